import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageEvent, normalizeMessage } from '../../socket-host/normalize.ts';
import type { PlaygroundMedia } from '../../socket-host/playground-media.ts';
import type { ChatContent } from '../../test-support/fake-openai.ts';
import { subscribeReceiver, type ReceivedWebhook } from '../../test-support/webhook-receiver.ts';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 131 + seed * 7 + (i >> 8)) % 256);
const OGG = 'audio/ogg; codecs=opus';
/** What the fake transcription model hears, by the voice note's length. */
const HEARD: Record<number, string> = {
  5_123: 'Quero dois pães de queijo para amanhã cedo.',
  6_001: 'Vocês entregam no Butantã?',
  7_007: 'Pode ser no cartão?',
};

let t: PipelineStack;
let blind: PipelineStack;
let receiver: { close(): Promise<void> } | undefined;
let received: ReceivedWebhook<{ message: Record<string, unknown> }>[] = [];

beforeAll(async () => {
  [t, blind] = await Promise.all([
    startPipelineStack({
      settings: { burstWindowMs: 1000 },
      reply: () => 'Anotado!',
      transcript: (req) => HEARD[req.bytes.length] ?? '',
      env: { AI_TRANSCRIPTION_MODEL: 'whisper-test', AI_VISION: 'true' },
    }),
    // Neither a transcription model nor vision: the agent is told what it could not read.
    startPipelineStack({ reply: () => 'Não consigo ver fotos, pode descrever?' }),
  ]);
  const subscribed = await subscribeReceiver<{ message: Record<string, unknown> }>(t, ['message.received']);
  ({ received } = subscribed);
  receiver = subscribed;
});
afterAll(async () => {
  await Promise.all([t?.stop(), blind?.stop()]);
  await receiver?.close();
});

/** The customer's last turn in the model's request made since `from`; exactly one request. */
function onlyRequestSince(s: PipelineStack, from: number): ChatContent {
  expect(s.model.requests.length - from).toBe(1);
  return s.model.requests[from]!.messages.filter((m) => m.role === 'user').at(-1)!.content;
}

async function sendAndAwaitReply(s: PipelineStack, phone: string, media: PlaygroundMedia) {
  const sent = await s.customerSendsMedia(phone, media);
  await eventually(() => s.sentTo(phone).length === 1, 'the reply');
  await s.idle();
  expect(s.sentTo(phone)).toHaveLength(1);
  return sent;
}

async function shownInbound(s: PipelineStack, phone: string) {
  const [row] = (await s.rows(phone)).filter((r) => r.direction === 'in');
  const page = (await (await s.api(`/v1/conversations/${row!.conversationId}/messages`)).json()) as { data: Record<string, unknown>[] };
  return page.data.find((m) => m.direction === 'in')!;
}

describe('voice notes are transcribed once and read as the customer’s words', () => {
  it('a voice note → one transcription call → the model reads the transcript → one reply; the API and the webhook show it', async () => {
    const phone = '15550930001';
    const audio = bytes(5_123, 1);
    const [calls, heard] = [t.model.requests.length, t.model.transcriptions.length];
    await sendAndAwaitReply(t, phone, { type: 'voice', data: audio, mimeType: OGG });

    expect(t.model.transcriptions.length - heard).toBe(1);
    const call = t.model.transcriptions[heard]!;
    expect(call).toMatchObject({ model: 'whisper-test', mimeType: 'audio/ogg', fileName: 'audio.ogg' });
    expect(Buffer.from(call.bytes).equals(Buffer.from(audio))).toBe(true);
    expect(onlyRequestSince(t, calls)).toBe(`[the customer sent a voice note; its transcript follows]\n${HEARD[5_123]}`);

    const shown = await shownInbound(t, phone);
    expect(shown).toMatchObject({ type: 'voice', text: '', transcript: HEARD[5_123], media: { state: 'stored', size: audio.length } });
    const hook = await eventually(() => received.find((e) => e.data.message.id === shown.id), 'the message.received webhook');
    expect(hook.data.message).toEqual(shown);
  });

  it('a redelivered voice note is not transcribed again and gets no second reply', async () => {
    const phone = '15550930002';
    const sent = await sendAndAwaitReply(t, phone, { type: 'voice', data: bytes(6_001, 2), mimeType: OGG });
    const heard = t.model.transcriptions.length;
    const event = messageEvent('default', normalizeMessage(sent, 'notify', Math.floor(Date.now() / 1000))!, new Date());
    for (let i = 0; i < 2; i++) await t.stack.functions.services.qstash.publishJSON({ url: `${t.stack.urls.functions}/hooks/whatsapp`, body: event });
    await t.idle();

    expect(t.model.transcriptions.length).toBe(heard);
    expect(t.sentTo(phone)).toHaveLength(1);
    expect(await shownInbound(t, phone)).toMatchObject({ transcript: HEARD[6_001] });
  });

  it('when transcription fails the message is kept and answered, and the model is told it could not listen', async () => {
    const phone = '15550930003';
    const [calls, heard] = [t.model.requests.length, t.model.transcriptions.length];
    t.model.failNextTranscriptions(1);
    await sendAndAwaitReply(t, phone, { type: 'voice', data: bytes(7_007, 3), mimeType: OGG });

    expect(t.model.transcriptions.length - heard).toBe(1);
    expect(onlyRequestSince(t, calls)).toBe('[the customer sent a voice note, which you could not listen to]');
    expect(await shownInbound(t, phone)).toMatchObject({ type: 'voice', transcript: null, media: { state: 'stored' } });
  });

  it('without a transcription model nothing is called and the model is told it could not listen', async () => {
    const phone = '15550930004';
    const calls = blind.model.requests.length;
    await sendAndAwaitReply(blind, phone, { type: 'voice', data: bytes(5_123, 4), mimeType: OGG });

    expect(blind.model.transcriptions).toHaveLength(0);
    expect(onlyRequestSince(blind, calls)).toBe('[the customer sent a voice note, which you could not listen to]');
    expect(await shownInbound(blind, phone)).toMatchObject({ type: 'voice', transcript: null });
  });

  it('a burst of text and a voice note gets one reply that reads both', async () => {
    const phone = '15550930005';
    const calls = t.model.requests.length;
    t.customerWrites(phone, 'Oi, bom dia');
    await sendAndAwaitReply(t, phone, { type: 'voice', data: bytes(5_123, 5), mimeType: OGG });

    expect(onlyRequestSince(t, calls)).toBe(`Oi, bom dia\n[the customer sent a voice note; its transcript follows]\n${HEARD[5_123]}`);
  });

  it('a text message costs what it did: no transcription, no image, the model reads a plain string', async () => {
    const phone = '15550930006';
    const [calls, heard] = [t.model.requests.length, t.model.transcriptions.length];
    t.customerWrites(phone, 'Só texto');
    await eventually(() => t.sentTo(phone).length === 1, 'the reply');
    await t.idle();

    expect(t.model.transcriptions.length).toBe(heard);
    expect(onlyRequestSince(t, calls)).toBe('Só texto');
  });
});

describe('photos', () => {
  it('with AI_VISION=true a photo reaches the model as an image part with its bytes, beside its caption', async () => {
    const phone = '15550930010';
    const photo = bytes(48_211, 10);
    const calls = t.model.requests.length;
    await sendAndAwaitReply(t, phone, { type: 'image', data: photo, mimeType: 'image/jpeg', caption: 'quanto custa?' });

    expect(onlyRequestSince(t, calls)).toEqual([
      { type: 'text', text: '[the customer sent a photo]\nquanto custa?' },
      { type: 'image_url', image_url: { url: `data:image/jpeg;base64,${Buffer.from(photo).toString('base64')}` } },
    ]);
    // The next turn does not send the photo again: it was answered.
    const next = t.model.requests.length;
    t.customerWrites(phone, 'e a entrega?');
    await eventually(() => t.sentTo(phone).length === 2, 'the second reply');
    await t.idle();
    expect(t.model.requests[next]!.messages.every((m) => typeof m.content === 'string')).toBe(true);
  });

  it('without AI_VISION the model gets only text: the caption and a note that it cannot see the photo', async () => {
    const phone = '15550930011';
    const calls = blind.model.requests.length;
    await sendAndAwaitReply(blind, phone, { type: 'image', data: bytes(9_000, 11), mimeType: 'image/jpeg', caption: 'quanto custa?' });

    expect(onlyRequestSince(blind, calls)).toBe('[the customer sent a photo, which you cannot see]\nquanto custa?');
  });
});
