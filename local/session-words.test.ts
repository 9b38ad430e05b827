import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeSockets } from '../test-support/fake-socket.ts';
import type { SessionView } from '../socket-host/session.ts';
import { FAST, pollUntil, startTestHost } from '../socket-host/testing.ts';
import { startTestDatabase, type TestDatabase } from '../socket-host/test-database.ts';
import { sessionSentence } from './session-words.ts';

const URL = 'http://127.0.0.1:8787';
const NO_NETWORK = 'WebSocket Error (getaddrinfo ENOTFOUND web.whatsapp.com)';

describe('the dev terminal’s words for a session', () => {
  const at = new Date('2026-01-01T00:00:00Z').getTime();
  const view = (v: Partial<SessionView>): SessionView => ({ id: 'default', status: 'not_linked', phone: null, reason: null, cause: null, retryAt: null, ...v });

  it('says each state in one sentence, with the cause and the wait when WhatsApp cannot be reached', () => {
    const said = (v: Partial<SessionView>) => sessionSentence(view(v), URL, at);
    expect(said({ status: 'reconnecting', reason: 'connection lost or timed out (408)', cause: 'getaddrinfo ENOTFOUND web.whatsapp.com', retryAt: new Date(at + 14_200) })).toBe(
      'WhatsApp session "default": cannot reach WhatsApp (getaddrinfo ENOTFOUND web.whatsapp.com), retrying in 14 s.',
    );
    expect(said({ status: 'reconnecting', reason: 'restart required (515)', cause: 'restart required (515)', retryAt: new Date(at) })).toBe(
      'WhatsApp session "default": WhatsApp asked for a new connection (restart required (515)); reconnecting now.',
    );
    expect(said({ status: 'qr' })).toContain('waiting for a QR scan');
    expect(said({ status: 'qr' })).toContain(`POST ${URL}/v1/sessions/default/pairing-code`);
    expect(said({ status: 'open', phone: '15550000000' })).toBe('WhatsApp session "default": linked to +15550000000 and connected.');
    const out = said({ status: 'logged_out', reason: 'logged out from the phone (401); re-pair needed' })!;
    expect(out).toMatch(/^WhatsApp session "default": logged out \(logged out from the phone \(401\); re-pair needed\): link it again with POST/);
    expect(out).toContain(`${URL}/v1/sessions/default/restart`);
    expect(said({ status: 'connecting', reason: 'waiting for the lease: another socket-host holds this number' })).toContain('another socket-host holds this number');
    expect(said({ status: 'stopped', reason: 'socket-host stopped' })).toBeNull();
    expect(said({ status: 'not_linked' })).toBeNull();
  });
});

describe('a session tells its watchers every change, with the cause and the next attempt', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await startTestDatabase();
  });
  afterAll(() => t?.close());

  it('from connecting to a QR, linked, and cut off from WhatsApp', async () => {
    const fake = createFakeSockets({ autoOpen: false });
    const slow = { ...FAST.session, reconnect: { ...FAST.session.reconnect, baseDelayMs: 20_000, maxDelayMs: 20_000 } };
    const { host } = await startTestHost(t, { env: { WA_SESSIONS: 'words' }, makeSocket: fake.makeSocket, tuning: { ...FAST, session: slow } });
    try {
      const session = host.sessions.get('words')!;
      const said: string[] = [];
      session.onChange((v) => {
        const line = sessionSentence(v, URL);
        if (line) said.push(line);
      });
      await pollUntil(() => fake.latest(), 'a socket');
      fake.latest()!.showQr();
      await pollUntil(() => session.status === 'qr', 'the QR');
      fake.latest()!.open();
      await pollUntil(() => session.status === 'open', 'open');
      fake.latest()!.close(408, NO_NETWORK);
      await pollUntil(() => session.status === 'reconnecting', 'reconnecting');

      const view = session.view();
      expect(view.cause).toBe('getaddrinfo ENOTFOUND web.whatsapp.com');
      expect(view.retryAt!.getTime() - Date.now()).toBeGreaterThan(5_000);
      expect(said.at(-1)).toMatch(/^WhatsApp session "words": cannot reach WhatsApp \(getaddrinfo ENOTFOUND web\.whatsapp\.com\), retrying in (1\d|20|[5-9]) s\.$/);
      expect(said.map((line) => line.split(': ')[1]!.split(' (')[0])).toEqual([
        'waiting for a QR scan',
        'linked to +15550000000 and connected.',
        'cannot reach WhatsApp',
      ]);
    } finally {
      await host.stop();
    }
  });
});
