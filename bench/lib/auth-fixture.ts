/**
 * A linked number's auth state as Baileys 7 leaves it after a few months of a small business's use,
 * for the bench's per-number memory figure (bench/lib/socket-host-numbers.ts): the creds row of a
 * linked device and its wa_auth_keys rows, in the shapes and sizes Baileys stores (BufferJSON text, as
 * socket-host/auth-state.ts writes them). The bytes are random: only their sizes and shapes matter.
 *
 * The counts, per number:
 * - pre-key 800: Baileys uploads INITIAL_PREKEY_COUNT = 812 when the device links; each new contact's
 *   first message consumes (deletes) one.
 * - 150 contacts (customers who wrote in the last months), each with two devices (the phone and a linked
 *   WhatsApp Web or a second phone), addressed by LID as Baileys 7 does: session 300 (a libsignal record:
 *   the open session, two chains, a few skipped message keys, and for half of them one closed older
 *   session: 1.3 KB on average), identity-key 300, device-list 150, lid-mapping 300 (pn → lid and its
 *   `_reverse`), tctoken 150 plus its `__index`.
 * - 4 groups of 10 member devices: sender-key 40, sender-key-memory 4.
 * - app-state-sync-key 30 (the phone shares a new one on every key rotation) and app-state-sync-version
 *   5 (one per collection), whose LT-hash maps hold one entry per synced setting: 1,000 in all (contacts,
 *   archive, mute, pin, read marks, labels of a WhatsApp Business account).
 * 2,080 rows and ~0.75 MB of text per number (plus a ~3 KB creds row).
 */
import { randomBytes } from 'node:crypto';
import { BufferJSON, initAuthCreds, type SignalDataTypeMap, type SignalKeyStore } from '@whiskeysockets/baileys';

export const AUTH_KEY_COUNTS = {
  'pre-key': 800,
  session: 300,
  'identity-key': 300,
  'device-list': 150,
  'lid-mapping': 300,
  tctoken: 151,
  'sender-key': 40,
  'sender-key-memory': 4,
  'app-state-sync-key': 30,
  'app-state-sync-version': 5,
} as const satisfies Partial<Record<keyof SignalDataTypeMap, number>>;

const CONTACTS = 150;
const GROUPS = 4;
const GROUP_MEMBERS = 10;
/** Entries of the five app-state collections' LT-hash maps: 1,000 in all. */
const APP_STATE = { critical_block: 10, critical_unblock_low: 300, regular_high: 350, regular_low: 320, regular: 20 };

/**
 * What a connected number reads of its keys in a busy five minutes (the TTL of Baileys' key cache,
 * makeCacheableSignalKeyStore, which keeps what it read): one app-state resync (the five collections'
 * versions and three sync keys), 50 customers each written to and answered (their device list, LID
 * mapping, trusted-contact token, both devices' sessions and identity keys; 5 of them new, so a pre-key
 * each), and one group's sender keys.
 */
export const WORKING_SET = { contacts: 50, newContacts: 5, appStateKeys: 3, groups: 1 };

const b64 = (n: number) => randomBytes(n).toString('base64');
const encode = (value: unknown) => JSON.stringify(value, BufferJSON.replacer);

/** The n-th number's ids: contacts' phone and LID users differ per number, as they would. */
function ids(number: number) {
  const pad = (i: number, width: number) => String(i).padStart(width, '0');
  const contact = (c: number) => ({ pn: `5511${pad(number, 3)}${pad(c, 6)}`, lid: `1${pad(number, 3)}${pad(c, 11)}` });
  const group = (g: number) => `120363${pad(number, 3)}${pad(g, 9)}@g.us`;
  return { contact, group, appStateKey: (k: number) => `AAAA${pad(number, 3)}${pad(k, 3)}`.slice(0, 10) };
}

/** A libsignal SessionEntry as SessionRecord.serialize() writes it. */
function sessionEntry(closed: boolean, skipped: number) {
  const now = Date.now();
  const chain = (type: number, keys: number) => ({
    chainKey: { counter: 20 + keys, key: b64(32) },
    chainType: type,
    messageKeys: Object.fromEntries(Array.from({ length: keys }, (_, i) => [String(10 + i), b64(32)])),
  });
  return {
    registrationId: 1 + Math.floor(Math.random() * 16380),
    currentRatchet: {
      ephemeralKeyPair: { pubKey: b64(33), privKey: b64(32) },
      lastRemoteEphemeralKey: b64(33),
      previousCounter: 3,
      rootKey: b64(32),
    },
    indexInfo: { baseKey: b64(33), baseKeyType: 2, closed: closed ? now - 86_400_000 : -1, used: now, created: now - 30 * 86_400_000, remoteIdentityKey: b64(33) },
    _chains: { [b64(33)]: chain(1, 0), [b64(33)]: chain(2, skipped) },
  };
}

function sessionRecord(withClosed: boolean) {
  const entries = [sessionEntry(false, 3), ...(withClosed ? [sessionEntry(true, 1)] : [])];
  return { _sessions: Object.fromEntries(entries.map((e) => [e.indexInfo.baseKey, e])), version: 'v1' };
}

/** A SenderKeyRecord as Baileys stores it: its JSON in a Buffer. */
function senderKey() {
  const state = {
    senderKeyId: Math.floor(Math.random() * 2 ** 31),
    senderChainKey: { iteration: 12, seed: b64(32) },
    senderSigningKey: { public: b64(33) },
    senderMessageKeys: [{ iteration: 9, seed: b64(32) }],
  };
  return Buffer.from(JSON.stringify([state]), 'utf8');
}

/** The creds of a linked WhatsApp Business device (initAuthCreds' keys, plus what linking and syncing add). */
export function linkedCreds(number: number): string {
  const creds = initAuthCreds();
  const phone = `5511${String(number).padStart(3, '0')}000000`;
  Object.assign(creds, {
    me: { id: `${phone}:12@s.whatsapp.net`, lid: `1${String(number).padStart(14, '0')}:12@lid`, name: `Bench ${number}` },
    account: { details: randomBytes(140), accountSignatureKey: randomBytes(32), accountSignature: randomBytes(64), deviceSignature: randomBytes(64) },
    signalIdentities: [{ identifier: { name: `${phone}:12@s.whatsapp.net`, deviceId: 0 }, identifierKey: randomBytes(33) }],
    myAppStateKeyId: ids(number).appStateKey(29),
    platform: 'smba',
    registered: true,
    nextPreKeyId: 813,
    firstUnuploadedPreKeyId: 813,
    accountSyncCounter: 1,
    lastAccountSyncTimestamp: Math.floor(Date.now() / 1000) - 86_400,
    routingInfo: randomBytes(24),
    lastPropHash: b64(6),
    processedHistoryMessages: Array.from({ length: 6 }, (_, i) => ({
      key: { remoteJid: `${phone}@s.whatsapp.net`, fromMe: true, id: `3EB0${b64(9).replace(/\W/g, 'A').toUpperCase()}` },
      messageTimestamp: 1_760_000_000 + i,
    })),
  });
  return encode(creds);
}

export type AuthKeyRow = { type: string; id: string; value: string };

/** The wa_auth_keys rows of the n-th number (AUTH_KEY_COUNTS of them). */
export function authKeyRows(number: number): AuthKeyRow[] {
  const { contact, group, appStateKey } = ids(number);
  const rows: AuthKeyRow[] = [];
  const add = (type: keyof typeof AUTH_KEY_COUNTS, id: string, value: unknown) => rows.push({ type, id, value: encode(value) });
  for (let i = 0; i < AUTH_KEY_COUNTS['pre-key']; i++) add('pre-key', String(13 + i), { private: randomBytes(32), public: randomBytes(32) });
  const jids: string[] = [];
  for (let c = 0; c < CONTACTS; c++) {
    const { pn, lid } = contact(c);
    for (const device of [0, 1]) {
      add('session', `${lid}_1.${device}`, sessionRecord(c % 2 === 0 && device === 0));
      add('identity-key', `${lid}_1.${device}`, Buffer.concat([Buffer.from([5]), randomBytes(32)]));
    }
    add('device-list', lid, ['0', '1']);
    add('lid-mapping', pn, lid);
    add('lid-mapping', `${lid}_reverse`, pn);
    add('tctoken', `${lid}@lid`, { token: randomBytes(28), timestamp: String(1_760_000_000 + c) });
    jids.push(`${lid}@lid`);
  }
  add('tctoken', '__index', { token: Buffer.from(JSON.stringify(jids)) });
  for (let g = 0; g < GROUPS; g++) {
    const members: Record<string, boolean> = {};
    for (let m = 0; m < GROUP_MEMBERS; m++) {
      const { lid } = contact(m * 7 + g);
      add('sender-key', `${group(g)}::${lid}_1::${m % 2}`, senderKey());
      members[`${lid}:${m % 2}@lid`] = true;
    }
    add('sender-key-memory', group(g), members);
  }
  for (let k = 0; k < AUTH_KEY_COUNTS['app-state-sync-key']; k++) {
    add('app-state-sync-key', appStateKey(k), {
      keyData: randomBytes(32),
      fingerprint: { rawId: 1000 + k, currentIndex: k, deviceIndexes: [0, 1, 12] },
      timestamp: 1_750_000_000 + k * 86_400,
    });
  }
  for (const [name, entries] of Object.entries(APP_STATE)) {
    const indexValueMap = Object.fromEntries(Array.from({ length: entries }, () => [b64(32), { valueMac: randomBytes(32) }]));
    add('app-state-sync-version', name, { version: 200 + entries, hash: randomBytes(128), indexValueMap });
  }
  return rows;
}

/**
 * Reads the n-th number's WORKING_SET through the key store a socket is given (the session's cacheable
 * store), as Baileys' socket would while answering customers; the values stay in its cache.
 */
export async function readWorkingSet(keys: SignalKeyStore, number: number): Promise<number> {
  const { contact, group, appStateKey } = ids(number);
  let read = 0;
  const get = async (type: keyof SignalDataTypeMap, list: string[]) => {
    read += Object.keys(await keys.get(type, list)).length;
  };
  await get('app-state-sync-version', Object.keys(APP_STATE));
  await get('app-state-sync-key', Array.from({ length: WORKING_SET.appStateKeys }, (_, k) => appStateKey(AUTH_KEY_COUNTS['app-state-sync-key'] - 1 - k)));
  const people = Array.from({ length: WORKING_SET.contacts }, (_, c) => contact(c));
  await get('device-list', people.map((p) => p.lid));
  await get('lid-mapping', people.flatMap((p) => [p.pn, `${p.lid}_reverse`]));
  await get('tctoken', [...people.map((p) => `${p.lid}@lid`), '__index']);
  const addresses = people.flatMap((p) => [`${p.lid}_1.0`, `${p.lid}_1.1`]);
  await get('session', addresses);
  await get('identity-key', addresses);
  await get('pre-key', Array.from({ length: WORKING_SET.newContacts }, (_, i) => String(13 + i)));
  for (let g = 0; g < WORKING_SET.groups; g++) {
    await get('sender-key-memory', [group(g)]);
    await get('sender-key', Array.from({ length: GROUP_MEMBERS }, (_, m) => `${group(g)}::${contact(m * 7 + g).lid}_1::${m % 2}`));
  }
  return read;
}

/** Rows a number's working set reads (what readWorkingSet returns when every row is there). */
export const WORKING_SET_ROWS =
  5 + WORKING_SET.appStateKeys + WORKING_SET.contacts * 8 + 1 + WORKING_SET.newContacts + WORKING_SET.groups * (1 + GROUP_MEMBERS);
