import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlaygroundMedia } from '../../socket-host/playground-media.ts';
import type { ChatContent } from '../../test-support/fake-openai.ts';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';
import { DOCUMENT_END } from '../pipeline/content-note.ts';
import { handBuiltPdf } from './hand-built-pdf.ts';

let t: PipelineStack;
beforeAll(async () => {
  t = await startPipelineStack({ reply: () => 'Recebi o documento!' });
});
afterAll(() => t?.stop());

/** The customer's last turn in the one model request made since `from`. */
function onlyRequestSince(from: number): ChatContent {
  expect(t.model.requests.length - from).toBe(1);
  return t.model.requests[from]!.messages.filter((m) => m.role === 'user').at(-1)!.content;
}

async function sendAndAwaitReply(phone: string, media: PlaygroundMedia) {
  await t.customerSendsMedia(phone, media);
  await eventually(() => t.sentTo(phone).length === 1, 'the reply');
  await t.idle();
  expect(t.sentTo(phone)).toHaveLength(1);
}

async function shownInbound(phone: string) {
  const [row] = (await t.rows(phone)).filter((r) => r.direction === 'in');
  const page = (await (await t.api(`/v1/conversations/${row!.conversationId}/messages`)).json()) as { data: Record<string, unknown>[] };
  return page.data.find((m) => m.direction === 'in')!;
}

const ORDER = ['Pedido 1042', 'Pão de queijo (dúzia): 2', 'Entrega: terça-feira, 8h'];

describe('a PDF a customer sends: its text is what the agent reads', () => {
  it('a PDF with text → the model reads the caption and the document’s text; the API shows the text as the transcript', async () => {
    const phone = '15550940001';
    const calls = t.model.requests.length;
    await sendAndAwaitReply(phone, { type: 'document', data: handBuiltPdf([ORDER]), mimeType: 'application/pdf', fileName: 'pedido.pdf', caption: 'segue meu pedido' });

    const text = ORDER.join('\n');
    expect(onlyRequestSince(calls)).toBe(
      `[the customer sent a document "pedido.pdf"; its text follows, after the caption if there is one]\nsegue meu pedido\n${text}\n${DOCUMENT_END}`,
    );
    expect(await shownInbound(phone)).toMatchObject({ type: 'document', text: 'segue meu pedido', transcript: text, media: { state: 'stored' } });
  });

  it('a scanned PDF (no text) is kept and shown, and the model is told it could not open it', async () => {
    const phone = '15550940002';
    const calls = t.model.requests.length;
    await sendAndAwaitReply(phone, { type: 'document', data: handBuiltPdf([null]), mimeType: 'application/pdf', fileName: 'scan.pdf' });

    expect(onlyRequestSince(calls)).toBe('[the customer sent a document "scan.pdf", which you cannot open]');
    expect(await shownInbound(phone)).toMatchObject({ type: 'document', transcript: null, media: { state: 'stored' } });
  });

  it('a document that is not a PDF is kept but not read', async () => {
    const phone = '15550940003';
    const calls = t.model.requests.length;
    const sheet = new TextEncoder().encode('Pedido 1042;2');
    await sendAndAwaitReply(phone, { type: 'document', data: sheet, mimeType: 'text/csv', fileName: 'pedido.csv' });

    expect(onlyRequestSince(calls)).toBe('[the customer sent a document "pedido.csv", which you cannot open]');
    expect(await shownInbound(phone)).toMatchObject({ transcript: null, media: { state: 'stored' } });
  });
});

describe('WhatsApp’s media server failing for a moment', () => {
  it('a download that fails once is tried again: the file is stored and read, with one reply', async () => {
    const phone = '15550940010';
    const before = t.mediaCdn.downloads.length;
    t.mediaCdn.failNext(503);
    await sendAndAwaitReply(phone, { type: 'document', data: handBuiltPdf([['Recibo 77']]), mimeType: 'application/pdf', fileName: 'recibo.pdf' });

    expect(t.mediaCdn.downloads.length - before).toBe(2);
    expect(await shownInbound(phone)).toMatchObject({ transcript: 'Recibo 77', media: { state: 'stored' } });
  });

  it('a file WhatsApp says is gone is not asked for again: the media is unavailable at once', async () => {
    const phone = '15550940011';
    const before = t.mediaCdn.downloads.length;
    t.mediaCdn.failNext(404);
    await sendAndAwaitReply(phone, { type: 'document', data: handBuiltPdf([['Recibo 78']]), mimeType: 'application/pdf', fileName: 'recibo.pdf' });

    expect(t.mediaCdn.downloads.length - before).toBe(1);
    expect(await shownInbound(phone)).toMatchObject({ transcript: null, media: { state: 'unavailable' } });
  });
});
