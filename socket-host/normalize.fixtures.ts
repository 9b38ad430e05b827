/**
 * WAMessages as Baileys 7 emits them in `messages.upsert` (shapes copied from real logs: Long-free
 * numeric timestamps, v7 `remoteJidAlt`/`participantAlt`, `addressingMode`).
 */
import type { WAMessage } from '@whiskeysockets/baileys';

export const LID = '123456789012345@lid';
export const PN = '5511987654321@s.whatsapp.net';

export const fixtures = {
  lidConversation: {
    key: { remoteJid: LID, remoteJidAlt: PN, fromMe: false, id: '3EB0A1B2C3D4E5F60718', addressingMode: 'lid' },
    messageTimestamp: 1_760_000_000,
    pushName: 'Maria',
    broadcast: false,
    message: { conversation: 'Oi, vocês abrem sábado?', messageContextInfo: { deviceListMetadataVersion: 2 } },
  },
  pnWithLidAlt: {
    key: { remoteJid: PN, remoteJidAlt: LID, fromMe: false, id: 'AC1F2E3D4C5B6A79', addressingMode: 'pn' },
    messageTimestamp: 1_760_000_100,
    pushName: 'Maria',
    message: { extendedTextMessage: { text: 'see https://example.com', matchedText: 'https://example.com' } },
  },
  pnOnlyWithDevice: {
    key: { remoteJid: '5511987654321:12@s.whatsapp.net', fromMe: false, id: 'B1B2B3B4B5B6B7B8' },
    messageTimestamp: 1_760_000_200,
    pushName: null,
    message: { conversation: 'hello' },
  },
  imageCaption: {
    key: { remoteJid: LID, remoteJidAlt: PN, fromMe: false, id: 'C1C2C3C4C5C6C7C8' },
    messageTimestamp: 1_760_000_300,
    pushName: 'Maria',
    message: { imageMessage: { caption: 'this one?', mimetype: 'image/jpeg', fileLength: 1234 } },
  },
  ephemeralVideoCaption: {
    key: { remoteJid: LID, fromMe: false, id: 'D1D2D3D4D5D6D7D8' },
    messageTimestamp: 1_760_000_400,
    message: { ephemeralMessage: { message: { videoMessage: { caption: 'watch', seconds: 3 } } } },
  },
  groupFromLid: {
    key: {
      remoteJid: '120363025246125888@g.us',
      fromMe: false,
      id: 'E1E2E3E4E5E6E7E8',
      participant: '98765432109876@lid',
      participantAlt: '5521999990000@s.whatsapp.net',
      addressingMode: 'lid',
    },
    messageTimestamp: 1_760_000_500,
    pushName: 'João',
    message: { conversation: 'bom dia grupo' },
  },
  statusPost: {
    key: { remoteJid: 'status@broadcast', fromMe: false, id: 'F1F2F3F4F5F6F7F8', participant: PN },
    messageTimestamp: 1_760_000_600,
    pushName: 'Maria',
    message: { extendedTextMessage: { text: 'my status' } },
  },
  newsletter: {
    key: { remoteJid: '120363144038483540@newsletter', fromMe: false, id: '1234', server_id: '77' },
    messageTimestamp: 1_760_000_700,
    message: { conversation: 'channel post' },
  },
  fromMeTyped: {
    key: { remoteJid: LID, remoteJidAlt: PN, fromMe: true, id: '3EB0FFEEDDCCBBAA9988' },
    messageTimestamp: 1_760_000_800,
    pushName: 'Team',
    message: { conversation: 'Sim, das 9h às 13h.' },
  },
  reaction: {
    key: { remoteJid: LID, fromMe: false, id: 'AA11AA11AA11AA11' },
    messageTimestamp: 1_760_000_900,
    message: { reactionMessage: { key: { remoteJid: LID, fromMe: true, id: 'X' }, text: '👍' } },
  },
  protocolRevoke: {
    key: { remoteJid: LID, fromMe: false, id: 'BB22BB22BB22BB22' },
    messageTimestamp: 1_760_001_000,
    message: { protocolMessage: { type: 0, key: { remoteJid: LID, fromMe: false, id: 'C1C2C3C4C5C6C7C8' } } },
  },
  stubWithoutMessage: {
    key: { remoteJid: '120363025246125888@g.us', fromMe: false, id: 'CC33CC33CC33CC33' },
    messageTimestamp: 1_760_001_100,
    messageStubType: 27,
    messageStubParameters: ['98765432109876@lid'],
  },
  audioNoText: {
    key: { remoteJid: LID, fromMe: false, id: 'DD44DD44DD44DD44' },
    messageTimestamp: 1_760_001_200,
    message: { audioMessage: { seconds: 4, ptt: true } },
  },
} satisfies Record<string, WAMessage>;
