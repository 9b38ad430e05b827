import type { WAMessage } from '@whiskeysockets/baileys';
import { describe, expect, it } from 'vitest';
import { waEvent } from '../shared/contracts/wa-event.ts';
import { fixtures, LID, MEDIA_KEY } from './normalize.fixtures.ts';
import {
  messageEvent,
  normalizeMessage,
  normalizeStatusUpdate,
  sessionStatusEvent,
  statusEvent,
} from './normalize.ts';

const NOW = 1_800_000_000;
const at = new Date('2026-01-02T03:04:05.000Z');

describe('normalizeMessage', () => {
  it('keys a direct chat on the LID and takes the phone from remoteJidAlt', () => {
    expect(normalizeMessage(fixtures.lidConversation, 'notify', NOW)).toEqual({
      waMessageId: '3EB0A1B2C3D4E5F60718',
      chatJid: LID,
      phone: '5511987654321',
      pushName: 'Maria',
      text: 'Oi, vocês abrem sábado?',
      timestamp: 1_760_000_000,
      kind: 'direct',
      participantJid: null,
      fromMe: false,
      replay: false,
      messageType: 'text',
    });
  });

  it('prefers the LID when it is the Alt and the primary is the phone JID', () => {
    const n = normalizeMessage(fixtures.pnWithLidAlt, 'append', NOW);
    expect(n).toMatchObject({ chatJid: LID, phone: '5511987654321', text: 'see https://example.com', replay: true });
  });

  it('falls back to the phone JID without its device suffix when no LID is known', () => {
    expect(normalizeMessage(fixtures.pnOnlyWithDevice, 'notify', NOW)).toMatchObject({
      chatJid: '5511987654321@s.whatsapp.net',
      phone: '5511987654321',
      pushName: null,
    });
  });

  it('reads image and (wrapped) video captions', () => {
    expect(normalizeMessage(fixtures.imageCaption, 'notify', NOW)?.text).toBe('this one?');
    expect(normalizeMessage(fixtures.ephemeralVideoCaption, 'notify', NOW)).toMatchObject({
      text: 'watch',
      chatJid: LID,
      phone: null,
    });
  });

  it('keeps the group as the chat and its author as the participant, by LID, with no phone', () => {
    expect(normalizeMessage(fixtures.groupFromLid, 'notify', NOW)).toMatchObject({
      chatJid: '120363025246125888@g.us',
      kind: 'group',
      participantJid: '98765432109876@lid',
      phone: null,
      pushName: 'João',
    });
  });

  it('classifies status posts and newsletters', () => {
    expect(normalizeMessage(fixtures.statusPost, 'notify', NOW)).toMatchObject({
      kind: 'status',
      chatJid: 'status@broadcast',
      participantJid: '5511987654321@s.whatsapp.net',
    });
    expect(normalizeMessage(fixtures.newsletter, 'notify', NOW)?.kind).toBe('newsletter');
  });

  it('marks messages typed on the phone as fromMe without our pushName', () => {
    expect(normalizeMessage(fixtures.fromMeTyped, 'notify', NOW)).toMatchObject({ fromMe: true, pushName: null });
  });

  it('keeps what the customer wrote without U+0000, which PostgreSQL cannot store (text, caption, push name)', () => {
    const nul = (m: WAMessage, message: WAMessage['message'], pushName: string): WAMessage => ({ ...m, message, pushName });
    expect(normalizeMessage(nul(fixtures.lidConversation, { conversation: 'Oi\u0000, tudo bem?\u0000' }, '\u0000Maria'), 'notify', NOW)).toMatchObject({
      text: 'Oi, tudo bem?',
      pushName: 'Maria',
    });
    expect(normalizeMessage(nul(fixtures.imageCaption, { imageMessage: { caption: 'this\u0000 one?' } }, '\u0000'), 'notify', NOW)).toMatchObject({
      text: 'this one?',
      pushName: null,
    });
    // Nothing but NULs is as empty as whitespace: not a conversational message.
    expect(normalizeMessage(nul(fixtures.lidConversation, { conversation: '\u0000\u0000' }, 'Maria'), 'notify', NOW)).toBeNull();
  });

  it.each(['stubWithoutMessage', 'ephemeralSetting'] as const)('skips protocol chatter: %s', (name) => {
    expect(normalizeMessage(fixtures[name], 'notify', NOW)).toBeNull();
  });
});

describe('every kind a customer sends is kept', () => {
  const n = (name: keyof typeof fixtures) => normalizeMessage(fixtures[name], 'notify', NOW)!;

  it('a voice note: type voice, with the reference the functions need to fetch and decrypt it (base64)', () => {
    expect(n('voiceNote')).toMatchObject({ messageType: 'voice', text: '', chatJid: LID, phone: '5511987654321' });
    expect(n('voiceNote').media).toEqual({
      mimeType: 'audio/ogg; codecs=opus',
      size: 5123,
      fileName: null,
      seconds: 4,
      mediaKey: MEDIA_KEY.toString('base64'),
      directPath: expect.stringMatching(/^\/v\/t62/),
      url: expect.stringMatching(/^https:\/\/mmg\.whatsapp\.net\//),
      fileSha256: expect.any(String),
      fileEncSha256: expect.any(String),
    });
    expect(n('audioNoText')).toMatchObject({ messageType: 'voice', media: { seconds: 4, mediaKey: null } });
    expect(n('audioFile')).toMatchObject({ messageType: 'audio', media: { mimeType: 'audio/mpeg', size: 912_345 } });
  });

  it('an image with its caption as text; a view-once video and a document with caption, unwrapped', () => {
    expect(n('photo')).toMatchObject({ messageType: 'image', text: 'quanto custa?', media: { mimeType: 'image/jpeg', size: 48_211 } });
    expect(n('viewOnceVideo')).toMatchObject({ messageType: 'video', text: '', media: { mimeType: 'video/mp4', seconds: 12 } });
    expect(n('documentWithCaption')).toMatchObject({
      messageType: 'document',
      text: 'segue o pedido',
      media: { mimeType: 'application/pdf', fileName: 'pedido-1042.pdf', size: 120_000 },
    });
    expect(n('imageCaption')).toMatchObject({ messageType: 'image', text: 'this one?', media: { size: 1234, mediaKey: null } });
  });

  it('a sticker, a location (named or live) and contact cards (at most ten)', () => {
    expect(n('sticker')).toMatchObject({ messageType: 'sticker', media: { mimeType: 'image/webp' } });
    expect(n('location')).toMatchObject({
      messageType: 'location',
      location: { latitude: -23.5614, longitude: -46.6559, name: 'MASP', address: 'Av. Paulista, 1578 - São Paulo', live: false },
    });
    expect(n('liveLocation')).toMatchObject({ messageType: 'location', text: 'estou aqui', location: { latitude: -22.9068, live: true } });
    expect(n('contactCard')).toMatchObject({ messageType: 'contact', contacts: [{ name: 'Ana Souza', vcard: expect.stringContaining('FN:Ana Souza') }] });
    expect(n('contactsArray').contacts).toHaveLength(10);
  });

  it('a reaction, an edit and a delete name the message they change', () => {
    expect(n('reaction')).toMatchObject({ messageType: 'reaction', change: { action: 'reaction', targetWaMessageId: 'X', emoji: '👍' } });
    const takenBack = { ...fixtures.reaction, message: { reactionMessage: { key: { id: 'X' }, text: '' } } };
    expect(normalizeMessage(takenBack, 'notify', NOW)?.change).toEqual({ action: 'reaction', targetWaMessageId: 'X', emoji: '' });
    expect(n('edit')).toMatchObject({
      messageType: 'text',
      text: 'Oi, vocês abrem domingo?',
      change: { action: 'edit', targetWaMessageId: '3EB0A1B2C3D4E5F60718', emoji: null },
    });
    expect(n('protocolRevoke')).toMatchObject({ text: '', change: { action: 'delete', targetWaMessageId: 'C1C2C3C4C5C6C7C8' } });
  });

  it('keeps each event small and contract-valid: no bytes, no thumbnails', () => {
    for (const name of ['voiceNote', 'photo', 'documentWithCaption', 'sticker', 'location', 'contactsArray', 'reaction', 'edit', 'protocolRevoke'] as const) {
      const event = messageEvent('s1', n(name), at);
      const json = JSON.stringify(waEvent.parse(event));
      expect(json.length, name).toBeLessThan(4096);
      expect(json, name).not.toContain('jpegThumbnail');
      expect(json, name).not.toContain('waveform');
    }
  });

  it('an event queued before media support (no messageType) still decodes, as text', () => {
    const event = messageEvent('s1', n('lidConversation'), at) as Record<string, unknown>;
    delete event.messageType;
    expect(waEvent.parse(event)).toMatchObject({ messageType: 'text', text: 'Oi, vocês abrem sábado?' });
  });
});

describe('events', () => {
  it('builds contract-valid received and from_team events whose id is stable across replays', () => {
    const received = messageEvent('s1', normalizeMessage(fixtures.lidConversation, 'notify', NOW)!, at);
    const replayed = messageEvent('s1', normalizeMessage(fixtures.lidConversation, 'append', NOW)!, new Date());
    expect(waEvent.parse(received)).toMatchObject({ type: 'message.received', replay: false });
    expect(replayed.id).toBe(received.id);
    expect(received.id).toBe('s1:3EB0A1B2C3D4E5F60718');
    const team = messageEvent('s1', normalizeMessage(fixtures.fromMeTyped, 'notify', NOW)!, at);
    expect(waEvent.parse(team)).toMatchObject({ type: 'message.from_team', chatJid: LID });
  });

  it('maps proto statuses and keeps the failure reason', () => {
    const key = { remoteJid: LID, remoteJidAlt: '5511987654321@s.whatsapp.net', fromMe: true, id: 'ABCDEF0123456789' };
    const names = [0, 1, 2, 3, 4, 5].map((status) => normalizeStatusUpdate({ key, update: { status } })?.status);
    expect(names).toEqual(['failed', 'pending', 'sent', 'delivered', 'read', 'played']);
    const failed = normalizeStatusUpdate({
      key,
      update: { status: 0, messageStubParameters: ['463', 'Your account has been restricted'] },
    })!;
    expect(failed).toMatchObject({ error: '463: Your account has been restricted', phone: '5511987654321' });
    const ev = waEvent.parse(statusEvent('s1', failed, at));
    expect(ev.id).toBe('s1:ABCDEF0123456789:failed');
    expect(normalizeStatusUpdate({ key, update: { message: { conversation: 'edit' } } })).toBeNull();
  });

  it('builds session status events with time-based ids', () => {
    const ev = waEvent.parse(sessionStatusEvent('s1', 'open', null, '5511987654321', at));
    expect(ev).toMatchObject({ type: 'session.status', status: 'open', id: `s1:session:open:${at.getTime()}` });
  });
});
