/**
 * WAMessages as Baileys 7 emits them in `messages.upsert` (shapes copied from real logs: Long-free
 * numeric timestamps, v7 `remoteJidAlt`/`participantAlt`, `addressingMode`).
 */
import type { WAMessage } from '@whiskeysockets/baileys';

export const LID = '123456789012345@lid';

/** Media fields as Baileys decodes them: bytes (Buffers), lengths as numbers. */
const bytes = (seed: number, n = 32) => Buffer.from(Array.from({ length: n }, (_, i) => (seed + i * 7) % 256));
export const MEDIA_KEY = bytes(1);
const ref = (seed: number) => ({
  mediaKey: bytes(seed),
  fileSha256: bytes(seed + 1),
  fileEncSha256: bytes(seed + 2),
  directPath: `/v/t62.7117-24/${seed}_n.enc?ccb=11-4&oh=01_Q5AaI&oe=68A1B2C3&_nc_sid=5e03e0`,
  url: `https://mmg.whatsapp.net/v/t62.7117-24/${seed}_n.enc?ccb=11-4&oh=01_Q5AaI&oe=68A1B2C3&_nc_sid=5e03e0&mms3=true`,
  mediaKeyTimestamp: 1_760_000_000,
});
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
  voiceNote: {
    key: { remoteJid: LID, remoteJidAlt: PN, fromMe: false, id: '3EB0VOICE0000000001' },
    messageTimestamp: 1_760_001_300,
    pushName: 'Maria',
    message: {
      audioMessage: { ...ref(1), mimetype: 'audio/ogg; codecs=opus', fileLength: 5123, seconds: 4, ptt: true, waveform: bytes(9, 64) },
      messageContextInfo: { deviceListMetadataVersion: 2 },
    },
  },
  audioFile: {
    key: { remoteJid: LID, fromMe: false, id: '3EB0AUDIO0000000001' },
    messageTimestamp: 1_760_001_310,
    message: { audioMessage: { ...ref(11), mimetype: 'audio/mpeg', fileLength: 912_345, seconds: 61, ptt: false } },
  },
  photo: {
    key: { remoteJid: LID, remoteJidAlt: PN, fromMe: false, id: '3EB0PHOTO0000000001' },
    messageTimestamp: 1_760_001_400,
    pushName: 'Maria',
    message: {
      imageMessage: { ...ref(21), mimetype: 'image/jpeg', caption: 'quanto custa?', fileLength: 48_211, height: 1280, width: 960, jpegThumbnail: bytes(3, 900) },
    },
  },
  viewOnceVideo: {
    key: { remoteJid: LID, fromMe: false, id: '3EB0VIEWONCE000001' },
    messageTimestamp: 1_760_001_450,
    message: { viewOnceMessageV2: { message: { videoMessage: { ...ref(31), mimetype: 'video/mp4', fileLength: 2_000_000, seconds: 12, viewOnce: true } } } },
  },
  documentWithCaption: {
    key: { remoteJid: LID, fromMe: false, id: '3EB0DOC00000000001' },
    messageTimestamp: 1_760_001_500,
    message: {
      documentWithCaptionMessage: {
        message: {
          documentMessage: { ...ref(41), mimetype: 'application/pdf', fileName: 'pedido-1042.pdf', title: 'pedido-1042', caption: 'segue o pedido', fileLength: 120_000, pageCount: 2 },
        },
      },
    },
  },
  sticker: {
    key: { remoteJid: LID, fromMe: false, id: '3EB0STICKER0000001' },
    messageTimestamp: 1_760_001_600,
    message: { stickerMessage: { ...ref(51), mimetype: 'image/webp', fileLength: 20_480, height: 512, width: 512, isAnimated: false } },
  },
  location: {
    key: { remoteJid: LID, fromMe: false, id: '3EB0LOCATION000001' },
    messageTimestamp: 1_760_001_700,
    message: { locationMessage: { degreesLatitude: -23.5614, degreesLongitude: -46.6559, name: 'MASP', address: 'Av. Paulista, 1578 - São Paulo', jpegThumbnail: bytes(5, 500) } },
  },
  liveLocation: {
    key: { remoteJid: LID, fromMe: false, id: '3EB0LIVELOC0000001' },
    messageTimestamp: 1_760_001_710,
    message: { liveLocationMessage: { degreesLatitude: -22.9068, degreesLongitude: -43.1729, caption: 'estou aqui', sequenceNumber: 1 } },
  },
  contactCard: {
    key: { remoteJid: LID, fromMe: false, id: '3EB0CONTACT0000001' },
    messageTimestamp: 1_760_001_800,
    message: {
      contactMessage: {
        displayName: 'Ana Souza',
        vcard: 'BEGIN:VCARD\nVERSION:3.0\nFN:Ana Souza\nTEL;type=CELL;waid=5511912345678:+55 11 91234-5678\nEND:VCARD',
      },
    },
  },
  contactsArray: {
    key: { remoteJid: LID, fromMe: false, id: '3EB0CONTACTS000001' },
    messageTimestamp: 1_760_001_810,
    message: {
      contactsArrayMessage: {
        displayName: '2 contacts',
        contacts: Array.from({ length: 12 }, (_, i) => ({ displayName: `Contact ${i}`, vcard: `BEGIN:VCARD\nFN:Contact ${i}\nEND:VCARD` })),
      },
    },
  },
  edit: {
    key: { remoteJid: LID, fromMe: false, id: '3EB0EDIT0000000001' },
    messageTimestamp: 1_760_001_900,
    message: {
      editedMessage: {
        message: {
          protocolMessage: {
            key: { remoteJid: LID, fromMe: false, id: '3EB0A1B2C3D4E5F60718' },
            type: 14,
            editedMessage: { conversation: 'Oi, vocês abrem domingo?' },
            timestampMs: 1_760_001_900_000,
          },
        },
      },
    },
  },
  ephemeralSetting: {
    key: { remoteJid: LID, fromMe: false, id: '3EB0EPHEMERAL00001' },
    messageTimestamp: 1_760_002_000,
    message: { protocolMessage: { type: 3, ephemeralExpiration: 604_800 } },
  },
} satisfies Record<string, WAMessage>;
