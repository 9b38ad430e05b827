import { describe, expect, it } from 'vitest';
import { PASSAGE_MAX_CHARS, splitPassages } from './passages.ts';

const sentence = (n: number) => `Frase número ${n} fala de um assunto da padaria com calma e detalhe.`;

describe('splitPassages', () => {
  it('keeps a short text as one passage', () => {
    expect(splitPassages('Abrimos às 6h.\n\nFechamos às 20h.')).toEqual(['Abrimos às 6h.\n\nFechamos às 20h.']);
  });

  it('starts a passage at each Markdown heading and repeats the heading in it', () => {
    const passages = splitPassages('# Pães\nPão francês: R$ 0,90.\n\n## Bolos\nBolo de cenoura: R$ 55,00.');
    expect(passages).toEqual(['Pães\nPão francês: R$ 0,90.', 'Bolos\nBolo de cenoura: R$ 55,00.']);
  });

  it('cuts a long section into passages of at most 800 characters, at sentence ends, each starting with the previous one’s last sentence', () => {
    const paragraphs = Array.from({ length: 12 }, (_, p) => Array.from({ length: 3 }, (_, s) => sentence(p * 3 + s)).join(' '));
    const passages = splitPassages(`# Regras\n${paragraphs.join('\n\n')}`);
    expect(passages.length).toBeGreaterThan(3);
    for (const p of passages) {
      expect(p.length).toBeLessThanOrEqual(PASSAGE_MAX_CHARS);
      expect(p.startsWith('Regras\n')).toBe(true);
      expect(p.trimEnd()).toMatch(/\.$/);
    }
    // Nothing is lost: every sentence is in some passage.
    for (let n = 0; n < 36; n++) expect(passages.some((p) => p.includes(sentence(n)))).toBe(true);
    // The overlap: a passage after the first begins with the sentence that ended the one before.
    const lastOfFirst = passages[0]!.trim().split(/(?<=\.)\s+/).at(-1)!;
    expect(passages[1]!.slice('Regras\n'.length).startsWith(lastOfFirst)).toBe(true);
  });

  it('cuts a paragraph with no sentence ends (a long list on one line) at spaces', () => {
    const list = Array.from({ length: 300 }, (_, i) => `item${i}`).join(' ');
    const passages = splitPassages(list);
    expect(passages.length).toBeGreaterThan(1);
    for (const p of passages) expect(p.length).toBeLessThanOrEqual(PASSAGE_MAX_CHARS);
    expect(passages.join(' ').split(/\s+/).filter((w) => w.startsWith('item')).length).toBeGreaterThanOrEqual(300);
  });

  it('gives nothing for blank text', () => {
    expect(splitPassages(' \n\n \r\n')).toEqual([]);
  });
});
