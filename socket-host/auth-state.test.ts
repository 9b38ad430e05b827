import { makeCacheableSignalKeyStore, proto, type SignalDataSet } from '@whiskeysockets/baileys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../shared/db.ts';
import { usePostgresAuthState } from './auth-state.ts';
import { startTestDatabase, type TestDatabase } from './test-database.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await startTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

const bytes = (...b: number[]) => Buffer.from(b);

/** One value of every key type of Baileys 7's SignalDataTypeMap, in the shapes Baileys stores. */
const everyType = {
  'pre-key': { '1': { public: bytes(1, 2, 3), private: bytes(4, 5, 6) } },
  session: { '5511987654321.0': bytes(7, 8, 9) },
  'sender-key': { '120363025246125888@g.us::5511987654321::0': bytes(10, 11) },
  'sender-key-memory': { '120363025246125888@g.us': { '5511987654321:0@s.whatsapp.net': true } },
  'app-state-sync-key': {
    AAAAAFvR: { keyData: bytes(12, 13, 14), fingerprint: { rawId: 7, currentIndex: 1, deviceIndexes: [0, 1] }, timestamp: 1_700_000_000 },
  },
  'app-state-sync-version': {
    regular_high: { version: 42, hash: Buffer.alloc(128, 1), indexValueMap: { 'bWFj': { valueMac: bytes(15, 16) } } },
  },
  'lid-mapping': { '5511987654321': '123456789012345', '123456789012345_reverse': '5511987654321' },
  'device-list': { '5511987654321': ['0', '12'] },
  tctoken: { '123456789012345@lid': { token: bytes(17, 18), timestamp: '1760000000' } },
  'identity-key': { '123456789012345.0': bytes(19, 20, 21) },
} satisfies SignalDataSet;

describe('usePostgresAuthState', () => {
  it('creates creds on first use and reads the same creds and every key type back after a restart', async () => {
    const first = await usePostgresAuthState(t.db, 'restart');
    expect(first.state.creds.registered).toBe(false);
    first.state.creds.me = { id: '5511987654321:3@s.whatsapp.net', lid: '123456789012345:3@lid', name: 'Shop' };
    first.state.creds.registered = true;
    await first.saveCreds();
    await makeCacheableSignalKeyStore(first.state.keys).set(everyType);

    // A new process: its own database client, nothing cached.
    const second = await usePostgresAuthState(createDb(t.databaseUrl, t.httpUrl), 'restart');
    expect(second.state.creds).toEqual(first.state.creds);
    expect(Buffer.isBuffer(second.state.creds.noiseKey.private)).toBe(true);
    for (const [type, entries] of Object.entries(everyType)) {
      const read = await second.state.keys.get(type as keyof typeof everyType, Object.keys(entries));
      if (type === 'app-state-sync-key') {
        const key = read.AAAAAFvR as proto.Message.AppStateSyncKeyData;
        expect(key).toBeInstanceOf(proto.Message.AppStateSyncKeyData);
        expect(Buffer.from(key.keyData!)).toEqual(bytes(12, 13, 14));
        expect(key.fingerprint?.deviceIndexes).toEqual([0, 1]);
      } else {
        expect(read, type).toEqual(entries);
      }
    }
  });

  it('keeps sessions apart and returns nothing for unknown ids', async () => {
    const other = await usePostgresAuthState(t.db, 'someone-else');
    expect(await other.state.keys.get('session', ['5511987654321.0'])).toEqual({});
    expect(await other.state.keys.get('pre-key', [])).toEqual({});
  });

  it('writes a multi-key batch (upserts and deletes of several types) in one request', async () => {
    const auth = await usePostgresAuthState(t.db, 'batch');
    await auth.state.keys.set({ 'pre-key': { '1': { public: bytes(1), private: bytes(2) } } });
    const before = t.stats.requests;
    await auth.state.keys.set({
      'pre-key': { '1': null, '2': { public: bytes(3), private: bytes(4) } },
      session: { a: bytes(5), b: bytes(6) },
      'lid-mapping': { '551100000000': '99999' },
    });
    expect(t.stats.requests - before).toBe(1);
    expect(await auth.state.keys.get('pre-key', ['1', '2'])).toEqual({ '2': { public: bytes(3), private: bytes(4) } });
    expect(Object.keys(await auth.state.keys.get('session', ['a', 'b']))).toEqual(['a', 'b']);
  });

  it('applies nothing of a batch when any part of it fails', async () => {
    const auth = await usePostgresAuthState(t.db, 'atomic');
    await auth.state.keys.set({ session: { keep: bytes(1) } });
    // Postgres refuses a NUL character in text: the upsert fails after the delete ran in the batch.
    await expect(auth.state.keys.set({ session: { keep: null, 'bad\u0000id': bytes(2) } })).rejects.toThrow();
    expect(await auth.state.keys.get('session', ['keep'])).toEqual({ keep: bytes(1) });
  });

  it('overwrites a key in place and clear() forgets creds and keys', async () => {
    const auth = await usePostgresAuthState(t.db, 'clear');
    await auth.state.keys.set({ 'device-list': { u: ['0'] } });
    await auth.state.keys.set({ 'device-list': { u: ['0', '7'] } });
    expect(await auth.state.keys.get('device-list', ['u'])).toEqual({ u: ['0', '7'] });
    const noiseKey = auth.state.creds.noiseKey.public;
    await auth.clear();
    const fresh = await usePostgresAuthState(t.db, 'clear');
    expect(await fresh.state.keys.get('device-list', ['u'])).toEqual({});
    expect(Buffer.from(fresh.state.creds.noiseKey.public)).not.toEqual(Buffer.from(noiseKey));
  });
});
