import { describe, expect, it } from 'vitest';
import { handBuiltPdf } from './hand-built-pdf.ts';
import { cutNote, pdfText } from './pdf-text.ts';

describe('a PDF’s text, as the agent reads it', () => {
  it('reads every page in order, line by line, accents and all', async () => {
    const pdf = handBuiltPdf([['Orçamento nº 42', 'Pão de queijo (dúzia): R$ 18,00'], ['Entrega: terça-feira']]);
    expect(await pdfText(pdf)).toBe('Orçamento nº 42\nPão de queijo (dúzia): R$ 18,00\n\nEntrega: terça-feira');
  });

  it('cuts a long document at the cap and says so', async () => {
    const line = 'Cláusula com texto suficiente para encher a página.';
    const pages = Array.from({ length: 40 }, (_, p) => Array.from({ length: 10 }, (_, l) => `${p + 1}.${l + 1} ${line}`));
    const text = (await pdfText(handBuiltPdf(pages), 1_000))!;
    expect(text.endsWith(cutNote(1_000))).toBe(true);
    expect(text.length).toBe(text.indexOf('\n[the document goes on') + cutNote(1_000).length);
    expect(text.startsWith(`1.1 ${line}\n1.2 ${line}`)).toBe(true);
    expect(text.slice(0, -cutNote(1_000).length).length).toBeLessThanOrEqual(1_000);
    expect(text).not.toContain('40.1');
  });

  it('leaves out control characters (a NUL would not even fit in the database)', async () => {
    // A font whose ToUnicode map turns two of its glyphs into control characters, as broken PDF writers do.
    const pdf = handBuiltPdf([['Total:# R$~ 18,00']], { toUnicode: { '#': '\u0000', '~': '\u0007' } });
    expect(await pdfText(pdf)).toBe('Total: R$ 18,00');
  });

  it('a document that fits is not marked as cut', async () => {
    expect(await pdfText(handBuiltPdf([['Recibo']]), 1_000)).toBe('Recibo');
  });

  it('a PDF with no text (a scan) gives null: the agent then says it could not read it', async () => {
    expect(await pdfText(handBuiltPdf([null, null]))).toBeNull();
  });

  it('what is not a PDF is refused', async () => {
    await expect(pdfText(new TextEncoder().encode('not a pdf at all'))).rejects.toThrow();
  });

  it('leaves the caller’s bytes as they were', async () => {
    const pdf = handBuiltPdf([['Recibo']]);
    const copy = pdf.slice();
    await pdfText(pdf);
    expect(pdf).toEqual(copy);
  });
});
