/**
 * `npm run bench`: the real stack in services mode (PostgreSQL and Redis on 127.0.0.1, the local
 * queue), the functions and the socket-host each in a process of their own, a fake WhatsApp socket and
 * a fake OpenAI-compatible model that answers at once. Prints a table, writes bench/results/latest.json.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrateDatabase } from '../drizzle/migrate.ts';
import { saveSettings } from '../functions/agent/settings.ts';
import { projectFreeTiers } from '../functions/usage/free-tiers.ts';
import { freePort } from '../local/free-port.ts';
import { listen } from '../local/listen.ts';
import { CLOUD_LATENCY, NO_LATENCY, type LatencyProfile } from '../local/cloud-latency.ts';
import { createStandIns } from '../local/services.ts';
import { STAND_IN_REDIS_TOKEN, standInEnv } from '../shared/config/local-defaults.ts';
import { createDb } from '../shared/db.ts';
import { startFakeOpenAI, textOf } from '../test-support/fake-openai.ts';
import { measureWorkersBundle } from './lib/workers-bundle.ts';
import { measureWorkerStartup } from './lib/startup.ts';
import { bundleBenchProcess, imageNodeArgs, measureBareBaileys } from './lib/socket-host-bundle.ts';
import { post, runCpuPhase, runThroughputPhase, type SignedPoster } from './lib/load.ts';
import { measureWorkerdCpu } from './lib/workerd-cpu.ts';
import { printReport } from './lib/report.ts';
import { summary, round } from './lib/stats.ts';
import { heard, runVoicePhase, voiceNote } from './lib/voice-notes.ts';
import { runKnowledgePhase } from './lib/knowledge-search.ts';
import { runConsolePhase } from './lib/console-load.ts';
import { runNumbersPhase } from './lib/socket-host-numbers.ts';
import { loadFunctionsConfig } from '../shared/config/functions-config.ts';
import { ensureConsoleBuilt } from '../local/console-build.ts';

// `npm run bench -- console` runs section 9 alone (the console's first load), on a stack of its own.
if (process.argv.includes('console')) {
  await import('./console.ts');
}

const PG = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
// BENCH_QUICK=1 runs every phase briefly (a smoke run, or with BENCH_CPU_PROFILE=<dir> to profile).
const QUICK = process.env.BENCH_QUICK === '1';
const CUSTOMERS = 50;
const PER_CUSTOMER = QUICK ? 4 : 40; // 2,000 timed messages
const MEMORY_EVENTS = QUICK ? 400 : 10_000;
const VOICE_NOTES = QUICK ? 2 : 10; // of each size
/** Customers pause between messages as people do; without it 50 customers saturate 2 cores and the
 * figure measures queueing, not the pipeline. */
const THINK_MS = () => 500 + Math.random() * 1000;
// BENCH_PROFILE=local skips the pipeline's second run under the cloud-latency profile (local/cloud-latency.ts).
const CLOUD = process.env.BENCH_PROFILE !== 'local';
const CLOUD_CUSTOMERS = QUICK ? 10 : 20;
const CLOUD_PER_CUSTOMER = QUICK ? 2 : 10;
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

// ---- setup: a fresh database, the stand-ins, the model, then the two processes -------------------
// The Worker under wrangler dev serves console/dist as its static assets, and refuses to start without it.
await ensureConsoleBuilt(log);
const dbName = `bench_${Date.now().toString(36)}`;
const admin = new pg.Client({ connectionString: PG });
await admin.connect();
await admin.query(`create database ${dbName}`);
const databaseUrl = Object.assign(new URL(PG), { pathname: `/${dbName}` }).toString();

// The bench publishes thousands of messages: the free plan's 1,000 a day would refuse most of them.
process.env.QSTASH_PLAN ??= 'payg';
const standIns = createStandIns({ databaseUrl, redisUrl: REDIS, redisToken: STAND_IN_REDIS_TOKEN });
const services = await listen(standIns.app.fetch);
// Voice notes are transcribed by the fake model too: it "hears" the bench token at the start of the file.
const model = await startFakeOpenAI((req) => `ok ${textOf(req.messages.at(-1)!.content).match(/\bT\d+\b/)?.[0] ?? ''}`, { transcript: heard });
const [functionsPort, socketHostPort, mediaCdnPort] = [await freePort(), await freePort(), await freePort()];
const mediaDir = mkdtempSync(join(tmpdir(), 'ia-agent-bench-media-'));
const env: Record<string, string> = {
  ...standInEnv({ services: services.port, functions: functionsPort, socketHost: socketHostPort }),
  AI_BASE_URL: model.baseUrl,
  AI_API_KEY: 'bench',
  AI_MODEL: 'fake',
  AI_TRANSCRIPTION_MODEL: 'whisper-fake',
  // The socket-host process serves customers' encrypted files as WhatsApp's media servers do.
  MEDIA_CDN_URL: `http://127.0.0.1:${mediaCdnPort}`,
  MEDIA_DIR: mediaDir,
  WA_SESSIONS: 'default',
  // 40 messages per customer is past the product's default of 30 agent replies per customer per hour.
  CONTACT_REPLIES_PER_HOUR: '1000',
};
const db = createDb(env.DATABASE_URL!, env.DATABASE_HTTP_URL);
await migrateDatabase(db);
// No burst window: the bench measures the pipeline, not the deliberate wait for more messages.
await saveSettings(db, { burstWindowMs: 0 });

// The socket-host runs with the Docker image's Node options and flags, so its memory is the image's.
const imageNodeOptions = imageNodeArgs().join(' ');
const children: ChildProcess[] = [];
// A phase that fails ends the bench: the two processes must not outlive it (and skew the next run).
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});
const spawnProcess = (file: string, port?: number, nodeOptions: string[] = []) =>
  new Promise<ChildProcess>((resolve, reject) => {
    const child = fork(new URL(file, import.meta.url), {
      execArgv: ['--expose-gc', ...nodeOptions],
      env: { ...process.env, BENCH_ENV: JSON.stringify(env), BENCH_PORT: String(port ?? ''), BENCH_CDN_PORT: String(mediaCdnPort) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.push(child);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
    child.once('message', () => resolve(child));
  });
const profile = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];
const functions = await spawnProcess('./processes/functions.ts', functionsPort, profile);
void functions;
const socketHost = await spawnProcess(await bundleBenchProcess('bench/processes/socket-host.ts'), undefined, imageNodeOptions.split(' ').filter(Boolean));
log('stack up: functions and socket-host in their own processes, PostgreSQL and Redis behind the stand-ins');

// ---- talking to the two processes -----------------------------------------------------------------
let seq = 0;
const pendingIpc = new Map<number, (v: unknown) => void>();
const sentWaiters = new Map<string, () => void>();
socketHost.on('message', (m: { seq?: number; value?: unknown; sent?: string }) => {
  if (m.sent) sentWaiters.get(m.sent)?.();
  if (m.seq !== undefined) pendingIpc.get(m.seq)?.(m.value);
});
const host = <T>(message: Record<string, unknown>) =>
  new Promise<T>((resolve) => {
    const id = ++seq;
    pendingIpc.set(id, (v) => {
      pendingIpc.delete(id);
      resolve(v as T);
    });
    socketHost.send({ ...message, seq: id });
  });
const functionsStats = async () => (await fetch(`${env.PUBLIC_URL}/__bench/stats`)).json() as Promise<FunctionsStats>;
type FunctionsStats = {
  cpu: { hook: number[]; bare: number[] };
  requests: number;
  fetch: Record<string, number>;
  subrequestsPerHook: number[];
  sendLeftAt: Record<string, number>;
  modelMs: Record<string, number>;
};

let token = 0;
const injectAt = new Map<string, number>();
/** A customer writes; resolves once the reply left the socket-host towards WhatsApp. */
async function customerMessage(customer: number): Promise<string> {
  const t = `T${++token}`;
  const replied = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no reply to ${t} within 30 s`)), 30_000);
    sentWaiters.set(t, () => {
      clearTimeout(timer);
      sentWaiters.delete(t);
      resolve();
    });
  });
  const id = `3EB0${token.toString(16).toUpperCase().padStart(18, '0')}`;
  injectAt.set(t, await host<number>({ cmd: 'inject', from: `1555${String(1_000_000 + customer)}`, text: `bench ${t}`, id }));
  await replied;
  return t;
}
/** A customer sends a voice note of `size` bytes; resolves with its token once the reply left towards WhatsApp. */
async function customerVoiceNote(customer: string, size: number): Promise<string> {
  const t = `T${++token}`;
  const replied = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no reply to the voice note ${t} within 60 s`)), 60_000);
    sentWaiters.set(t, () => {
      clearTimeout(timer);
      sentWaiters.delete(t);
      resolve();
    });
  });
  const id = `3EB0${token.toString(16).toUpperCase().padStart(18, '0')}`;
  const base64 = Buffer.from(voiceNote(t, size)).toString('base64');
  injectAt.set(t, await host<number>({ cmd: 'injectVoice', from: customer, id, base64 }));
  await replied;
  return t;
}
async function customers(count: number, each: number, options: { think?: boolean; onDone?: (n: number) => void } = {}) {
  let done = 0;
  await Promise.all(
    Array.from({ length: count }, async (_, c) => {
      if (options.think) await new Promise((r) => setTimeout(r, THINK_MS()));
      for (let i = 0; i < each; i++) {
        await customerMessage(c);
        options.onDone?.(++done);
        if (options.think) await new Promise((r) => setTimeout(r, THINK_MS()));
      }
    }),
  );
}

// ---- 4a. socket-host memory at idle ----------------------------------------------------------------
await new Promise((r) => setTimeout(r, 2000));
const rssIdle = await host<number>({ cmd: 'rss' });
log(`socket-host RSS at idle: ${(rssIdle / 2 ** 20).toFixed(1)} MiB`);
const rssBareBaileys = await measureBareBaileys(imageNodeOptions.split(' ').filter(Boolean));
log(`baseline, Node with Baileys imported: ${(rssBareBaileys / 2 ** 20).toFixed(1)} MiB`);

// ---- 2 + 6. pipeline overhead and upstream operations over 2,000 messages from 50 customers ----------
await customers(10, 5); // warm-up: JIT, connection pools, prepared plans
await fetch(`${env.PUBLIC_URL}/__bench/reset`, { method: 'POST' });
await host({ cmd: 'reset' });
const before = {
  qstash: { ...standIns.qstash.stats },
  redis: { ...standIns.redis.stats },
  neon: { ...standIns.neon.stats },
  size: Number((await admin.query(`select pg_database_size('${dbName}') as s`)).rows[0].s),
};
let rss1000 = 0;
const timedFrom = token;
await customers(CUSTOMERS, PER_CUSTOMER, {
  think: true,
  onDone: (n) => {
    if (n === Math.min(1000, CUSTOMERS * PER_CUSTOMER) - 50) void host<number>({ cmd: 'rss' }).then((v) => (rss1000 = v));
  },
});
const timedMessages = CUSTOMERS * PER_CUSTOMER;
// Let trailing queue work (nothing expected) settle before reading the counters.
await standIns.qstash.idle();
const fStats = await functionsStats();
const hStats = await host<{ fetch: Record<string, number> }>({ cmd: 'stats' });
const sizeAfter = Number((await admin.query(`select pg_database_size('${dbName}') as s`)).rows[0].s);
/** Event in → /send out, model time excluded, for the messages with tokens after `from` up to `to`. */
function overheadOf(from: number, to: number, stats: FunctionsStats): number[] {
  const times: number[] = [];
  for (let i = from + 1; i <= to; i++) {
    const t = `T${i}`;
    const left = stats.sendLeftAt[t];
    const inAt = injectAt.get(t);
    if (left && inAt) times.push(left - inAt - (stats.modelMs[t] ?? 0));
  }
  return times;
}
const overhead = overheadOf(timedFrom, token, fStats);
const per = (n: number) => round(n / timedMessages, 3);
const ops = {
  qstashMessages: per(standIns.qstash.stats.deliveries - before.qstash.deliveries),
  qstashPublishes: per(standIns.qstash.stats.published - before.qstash.published),
  redisCommands: per(standIns.redis.stats.commands - before.redis.commands),
  databaseRoundTrips: per(standIns.neon.stats.requests - before.neon.requests),
  databaseStatements: per(standIns.neon.stats.queries - before.neon.queries),
  functionsRoundTrips: per(fStats.fetch.database ?? 0),
  socketHostRoundTrips: per(hStats.fetch.database ?? 0),
  functionInvocations: per(fStats.requests),
  workersSubrequests: per(fStats.fetch.total ?? 0),
  storageBytes: Math.round((sizeAfter - before.size) / timedMessages),
};
// Said at once too: the figures outlive a later phase that fails.
const local = summary(overhead);
log(`pipeline: ${overhead.length} messages timed, p50 ${local.p50} ms, p95 ${local.p95} ms, p99 ${local.p99} ms`);
log(
  `per inbound message: ${ops.databaseRoundTrips} database round trips (${ops.functionsRoundTrips} functions + ${ops.socketHostRoundTrips} socket-host), ` +
    `${ops.databaseStatements} statements, ${ops.redisCommands} Redis commands, ${ops.qstashMessages} QStash messages`,
);

// ---- 2b. the same pipeline with each hop's cloud latency (local/cloud-latency.ts) --------------------
/**
 * The hops between a customer's message and its reply's /send that the design cannot avoid, each
 * once: the socket-host writes the event to its outbox (a database round trip) and publishes it,
 * QStash delivers it, the functions store it and claim the reply (one round trip), check the
 * contact's reply limit (one Redis command) and write the reply (one round trip) before sending it.
 * The model's time is excluded, as in section 2; the functions' /send to the socket-host is a local
 * call in both runs (not a stand-in), so it is in neither the floor nor the figure.
 */
const floorMs = (p: LatencyProfile) => p.qstashPublishMs + p.qstashDeliveryMs + 3 * p.neonMs + p.redisMs;
let cloud: { profile: LatencyProfile; floorMs: number; overheadMs: ReturnType<typeof summary> } | undefined;
if (CLOUD) {
  standIns.setLatency(CLOUD_LATENCY);
  await customers(5, 2); // warm-up under the new latency
  const from = token;
  await customers(CLOUD_CUSTOMERS, CLOUD_PER_CUSTOMER, { think: true });
  await standIns.qstash.idle();
  const times = overheadOf(from, token, await functionsStats());
  standIns.setLatency(NO_LATENCY);
  cloud = { profile: CLOUD_LATENCY, floorMs: floorMs(CLOUD_LATENCY), overheadMs: summary(times) };
  log(`pipeline under the cloud profile: ${times.length} messages, p50 ${round(cloud.overheadMs.p50, 1)} ms, p95 ${round(cloud.overheadMs.p95, 1)} ms; floor ${cloud.floorMs} ms`);
}

// ---- 4b. socket-host memory after 10,000 events ------------------------------------------------------
const already = token;
await customers(CUSTOMERS, Math.ceil((MEMORY_EVENTS - already) / CUSTOMERS));
const rss10000 = await host<number>({ cmd: 'rss' });
log(`socket-host RSS after ${token} events: ${(rss10000 / 2 ** 20).toFixed(1)} MiB`);

// ---- 4c. socket-host RSS per extra number held: what sizes a pool's replicas (no target) ------------
const perNumber = await runNumbersPhase({
  env,
  databaseUrl,
  nodeOptions: imageNodeOptions.split(' ').filter(Boolean),
  counts: QUICK ? [1, 5] : [1, 5, 10, 20],
  repeats: QUICK ? 1 : 3,
  log,
});
const [fewest, most] = [perNumber.points[0]!, perNumber.points.at(-1)!];
log(`socket-host RSS per extra number: ${perNumber.perNumberMiB} MiB (${fewest.numbers} → ${most.numbers} numbers: ${fewest.rssMiB} → ${most.rssMiB} MiB)`);

// ---- 7. voice notes: fetched, decrypted, stored, transcribed, answered ----------------------------------
const benchDatabase = new pg.Client({ connectionString: databaseUrl });
await benchDatabase.connect();
const voiceNotes = await runVoicePhase(
  {
    send: (size) => customerVoiceNote(`1555900${size >= 2 ** 20 ? '0002' : '0001'}`, size),
    counters: async () => ({
      qstash: standIns.qstash.stats.deliveries,
      database: standIns.neon.stats.requests,
      subrequests: (await functionsStats()).fetch.total ?? 0,
      transcriptions: model.transcriptions.length,
      chats: model.requests.length,
    }),
    times: async () => ({ inAt: injectAt, sendLeftAt: (await functionsStats()).sendLeftAt }),
    mediaDir,
    database: benchDatabase,
  },
  VOICE_NOTES,
);
await benchDatabase.end();
// Said at once too: the figures outlive a later phase that fails.
for (const v of voiceNotes) {
  log(
    `voice notes of ${v.size}: ${v.notes}, event in → reply /send out median ${v.endToEndMs.p50} ms (max ${v.endToEndMs.max}); per note ${v.transcriptionCalls} transcription and ${v.chatModelCalls} chat calls, ` +
      `${v.bucketBytes} bytes in the bucket, a ${v.databaseRowBytes}-byte row, ${v.qstashMessages} QStash messages, ${v.databaseRoundTrips} database round trips, ${v.workersSubrequests} subrequests`,
  );
}

// ---- 1. CPU per inbound message, beside a bare Hono handler; 3. throughput --------------------------
const poster: SignedPoster = { url: `${env.PUBLIC_URL}/hooks/whatsapp`, bareUrl: `${env.PUBLIC_URL}/bare` };
const cpu = await runCpuPhase(poster, QUICK ? 100 : 500, async () => (await functionsStats()).cpu, () => fetch(`${env.PUBLIC_URL}/__bench/reset`, { method: 'POST' }));
const subrequestsMax = Math.max(...(await functionsStats()).subrequestsPerHook);
const throughput = await runThroughputPhase(poster, log, QUICK ? 1 : 4);
const workerdCpu = await measureWorkerdCpu(env, (url) => post(url), QUICK ? 100 : 500, log);

// ---- 5. the Workers bundle --------------------------------------------------------------------------
const bundle = await measureWorkersBundle();
const startup = await measureWorkerStartup(QUICK ? 1 : 3);

// ---- 8. knowledge search on the bakery corpus, beside MiniSearch (after the storage figures above) ----
const knowledge = await runKnowledgePhase({ db, config: loadFunctionsConfig(env) }, QUICK ? 1 : 5);
log(
  `knowledge search: top-1 ${knowledge.ours.top1} %, top-3 ${knowledge.ours.top3} %, median ${knowledge.ours.latencyMs.p50} ms; ` +
    `MiniSearch top-1 ${knowledge.miniSearch.top1} %, top-3 ${knowledge.miniSearch.top3} %, median ${knowledge.miniSearch.latencyMs.p50} ms`,
);

// ---- 9. the console: first-load size, and the time to a signed-in Inbox in headless Chromium ---------
const consoleLoad = await runConsolePhase(env.PUBLIC_URL!, db, QUICK ? 2 : 5);
log(
  `console: first load ${(consoleLoad.size.gzipBytes / 1024).toFixed(1)} KiB gzipped; signed-in Inbox median ${Math.round(consoleLoad.timeToInbox.ms.p50)} ms`,
);

// ---- report -----------------------------------------------------------------------------------------
const results = {
  at: new Date().toISOString(),
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
  cpuPerInboundMs: { hook: summary(cpu.hook), bareHono: summary(cpu.bare), workerd: workerdCpu },
  pipelineOverheadMs: local,
  cloudPipeline: cloud,
  throughput,
  socketHostRssMiB: {
    idle: round(rssIdle / 2 ** 20, 1),
    bareBaileys: round(rssBareBaileys / 2 ** 20, 1),
    after1000: round(rss1000 / 2 ** 20, 1),
    after10000: round(rss10000 / 2 ** 20, 1),
    growthPct: round(((rss10000 - rss1000) / rss1000) * 100, 1),
    events: token,
  },
  socketHostPerNumber: perNumber,
  workersBundle: { ...bundle, startup },
  voiceNotes,
  knowledge,
  console: consoleLoad,
  perInboundMessage: { ...ops, workersSubrequestsMaxPerRequest: subrequestsMax },
  freeTiers: projectFreeTiers({
    qstashMessages: ops.qstashMessages,
    redisCommands: ops.redisCommands,
    functionInvocations: ops.functionInvocations,
    subrequestsPerRequest: subrequestsMax,
    storageBytes: ops.storageBytes,
  }),
};
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/latest.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
printReport(results);

// ---- teardown ---------------------------------------------------------------------------------------
for (const child of children) child.removeAllListeners('exit').kill('SIGINT');
await new Promise((r) => setTimeout(r, 500)); // lets a profiled process write its profile
await standIns.close();
await services.close();
await model.close();
rmSync(mediaDir, { recursive: true, force: true });
await admin.query(`drop database ${dbName} with (force)`);
await admin.end();
process.exit(0);
