/**
 * What a customer's text message costs the functions in database round trips, counted at the Neon
 * stand-in the functions alone talk to (the socket-host's /send is a stand-in here): with no burst
 * window, storing it, reading the conversation and claiming the reply are one round trip; then the
 * written reply, then the send's outcome. A redelivery and a paused conversation are checked too,
 * since they take the same one-round-trip path.
 */
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase } from '../../drizzle/migrate.ts';
import { listen } from '../../local/listen.ts';
import { createStandIns } from '../../local/services.ts';
import { loadFunctionsConfig } from '../../shared/config/functions-config.ts';
import { STAND_IN_REDIS_TOKEN, standInEnv } from '../../shared/config/local-defaults.ts';
import type { SendRequest } from '../../shared/contracts/send-request.ts';
import { startFakeOpenAI } from '../../test-support/fake-openai.ts';
import { createTestDatabase } from '../../test-support/postgres.ts';
import { TEST_REDIS_URL } from '../../test-support/redis.ts';
import { fromTeamEvent, receivedEvent } from '../../test-support/wa-events.ts';
import { saveSettings } from '../agent/settings.ts';
import { createServices, type Services } from '../services.ts';
import { handleInbound } from './inbound.ts';
import { handleTeamMessage } from './team-message.ts';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let standIns: ReturnType<typeof createStandIns>;
let services: Awaited<ReturnType<typeof listen>>;
let socketHost: Awaited<ReturnType<typeof listen>>;
let model: Awaited<ReturnType<typeof startFakeOpenAI>>;
let s: Services;
const sends: SendRequest[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  standIns = createStandIns({ databaseUrl: database.url, redisUrl: TEST_REDIS_URL, redisToken: STAND_IN_REDIS_TOKEN });
  services = await listen(standIns.app.fetch);
  // The socket-host's /send, answering at once that WhatsApp took it.
  socketHost = await listen(
    new Hono().post('/send', async (c) => {
      const req = (await c.req.json()) as SendRequest;
      sends.push(req);
      return c.json({ waMessageId: req.waMessageId, status: 'sent', duplicate: false, sentAt: new Date().toISOString() });
    }).fetch,
  );
  model = await startFakeOpenAI(() => 'We open at 7.');
  const config = loadFunctionsConfig({
    ...standInEnv({ services: services.port, functions: 1, socketHost: socketHost.port }),
    AI_BASE_URL: model.baseUrl,
    AI_API_KEY: 'test',
    AI_MODEL: 'fake-model',
  });
  s = createServices(config);
  await migrateDatabase(s.db);
  await saveSettings(s.db, { burstWindowMs: 0 });
}, 60_000);
afterAll(async () => {
  await services?.close();
  await socketHost?.close();
  await standIns?.close();
  await model?.close();
  await database?.drop();
});

const roundTrips = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  const before = standIns.neon.stats.requests;
  const result = await work();
  return [result, standIns.neon.stats.requests - before];
};

describe('a text message with no burst window', () => {
  it('costs three round trips to answer, one on redelivery, and is answered once', async () => {
    // The first message of the isolate reads the agent's settings (cached afterwards).
    await handleInbound(s, receivedEvent('15550900001', '3EB0A0000000000000000001', 'Hi'));

    const event = receivedEvent('15550900002', '3EB0A0000000000000000002', 'When do you open?');
    expect(await roundTrips(() => handleInbound(s, event))).toEqual(['sent', 3]);
    expect(sends.filter((r) => r.to === '15550900002@s.whatsapp.net').map((r) => r.text)).toEqual(['We open at 7.']);

    expect(await roundTrips(() => handleInbound(s, event))).toEqual(['already_replied', 1]);
    expect(sends.filter((r) => r.to === '15550900002@s.whatsapp.net')).toHaveLength(1);
  });

  it('is not answered while the team holds the conversation, and leaves no claim behind', async () => {
    await handleTeamMessage(s, fromTeamEvent('15550900003', '3EB0A0000000000000000003', 'We will call you.'));
    const event = receivedEvent('15550900003', '3EB0A0000000000000000004', 'Thanks!');
    // Stored, read and claimed in one round trip; the claim given back in another.
    expect(await roundTrips(() => handleInbound(s, event))).toEqual(['paused', 2]);
    expect(sends.filter((r) => r.to === '15550900003@s.whatsapp.net')).toHaveLength(0);
    const rows = await s.db.query.messages.findMany({ where: (m, { eq }) => eq(m.sessionId, 'default') });
    expect(rows.filter((m) => m.status === 'generating')).toEqual([]);
  });
});
