import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';
import { handBuiltPdf } from './hand-built-pdf.ts';

/**
 * Reading a PDF may take more CPU than a platform allows a request (Workers Free: 10 ms). The file's
 * outcome is therefore recorded before the reading starts: a hook killed while reading leaves the
 * file kept, and its retry answers instead of reading (and being killed) again on every attempt.
 */
const reading = vi.hoisted(() => {
  let release: (text: string | null) => void = () => {};
  const started = { count: 0 };
  return {
    started,
    release: (text: string | null) => release(text),
    pdfText: () => {
      started.count++;
      return new Promise<string | null>((resolve) => (release = resolve));
    },
  };
});
vi.mock('./pdf-text.ts', () => ({ pdfText: reading.pdfText }));

let t: PipelineStack;
beforeAll(async () => {
  t = await startPipelineStack({ reply: () => 'Recebi!' });
});
afterAll(() => t?.stop());

async function shownInbound(phone: string) {
  const [row] = (await t.rows(phone)).filter((r) => r.direction === 'in');
  const page = (await (await t.api(`/v1/conversations/${row!.conversationId}/messages`)).json()) as { data: Record<string, unknown>[] };
  return page.data.find((m) => m.direction === 'in')!;
}

describe('a PDF is read only after its file is recorded', () => {
  it('while the reading runs, the message already shows its file kept (and no text yet)', async () => {
    const phone = '15550950001';
    await t.customerSendsMedia(phone, { type: 'document', data: handBuiltPdf([['Pedido 7']]), mimeType: 'application/pdf', fileName: 'p.pdf' });
    await eventually(() => reading.started.count === 1, 'the reading to start');
    expect(await shownInbound(phone)).toMatchObject({ type: 'document', media: { state: 'stored' }, transcript: null });

    reading.release('Pedido 7');
    await eventually(() => t.sentTo(phone).length === 1, 'the reply');
    expect(await shownInbound(phone)).toMatchObject({ transcript: 'Pedido 7' });
    expect(reading.started.count).toBe(1);
  });
});
