/**
 * The stand-ins for QStash, Upstash Redis and Neon in a process of their own, in services mode over
 * the suite's private PostgreSQL and Redis: if a database restart takes them down, the suite sees the
 * process exit (and says so) instead of the test runner dying with it.
 */
import { listen } from '../../local/listen.ts';
import { createStandIns } from '../../local/services.ts';
import { STAND_IN_REDIS_TOKEN } from '../../shared/config/local-defaults.ts';
import { FAULT_QUEUE_RETRY_DELAY_MS } from './timings.ts';
import { whenTold } from './when-told.ts';

await whenTold();
const standIns = createStandIns({
  databaseUrl: process.env.FAULTS_DATABASE_URL,
  redisUrl: process.env.FAULTS_REDIS_URL,
  redisToken: STAND_IN_REDIS_TOKEN,
  qstashRetryDelayMs: FAULT_QUEUE_RETRY_DELAY_MS,
  // Every delivery attempt and its outcome, one line each: which hook answered what, and when.
  log: (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
});
await listen(standIns.app.fetch, Number(process.env.FAULTS_PORT));

type Command = { seq: number; cmd: 'idle' };
process.on('message', async (m: Command) => {
  // Resolves once the queue has nothing pending or in flight (retries and delayed messages included).
  if (m.cmd === 'idle') {
    await standIns.qstash.idle();
    process.send?.({ seq: m.seq, value: true });
  }
});
process.send?.({ ready: true });
