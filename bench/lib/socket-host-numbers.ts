/**
 * RSS per extra number held by one socket-host, so a team can size a pool's replicas
 * (WA_MAX_SESSIONS_PER_HOST): a fresh socket-host process (bench/processes/socket-host-numbers.ts, the
 * image's bundle and Node options) holding 1, then more numbers on fake sockets, each number's auth
 * state seeded with a linked device's realistic key counts (bench/lib/auth-fixture.ts) and its busy
 * working set read. The figure is the least-squares slope of RSS over the numbers held. Nearly all
 * of it is that working set in Baileys' key cache: without the reads a number measured ~0.1 MiB.
 *
 * One process per count, each run `repeats` times and its lowest RSS kept: the socket-host's RSS is
 * bimodal from start to start (~16 MiB, docs/architecture.md: as much as a dozen numbers add), and the
 * lower mode is the one without that start-up region. BENCH_QUICK runs each count once: a smoke figure.
 */
import { fork } from 'node:child_process';
import pg from 'pg';
import { AUTH_KEY_COUNTS, WORKING_SET, WORKING_SET_ROWS, authKeyRows, linkedCreds } from './auth-fixture.ts';
import { bundleBenchProcess } from './socket-host-bundle.ts';
import { round } from './stats.ts';

export type NumbersPhaseOptions = {
  /** The bench's environment (the stand-ins); WA_SESSIONS is replaced per run. */
  env: Record<string, string>;
  /** Where the auth state is seeded: the bench's database, over PostgreSQL directly. */
  databaseUrl: string;
  /** The image's NODE_OPTIONS and CMD flags. */
  nodeOptions: string[];
  /** How many numbers each run holds, the first of them 1. */
  counts: number[];
  repeats: number;
  log: (line: string) => void;
};

const MiB = 2 ** 20;
const sessionId = (n: number) => `bench_numbers_${String(n).padStart(2, '0')}`;

/** Least squares over (numbers, MiB): slope and intercept. */
export function fitLine(points: { numbers: number; rssMiB: number }[]) {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.numbers, 0) / n;
  const my = points.reduce((s, p) => s + p.rssMiB, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.numbers - mx) ** 2, 0);
  const slope = points.reduce((s, p) => s + (p.numbers - mx) * (p.rssMiB - my), 0) / sxx;
  return { slope, intercept: my - slope * mx };
}

/** Writes the creds and key rows of numbers 1..count; returns the bytes of text one number stores. */
async function seed(databaseUrl: string, count: number): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let bytes = 0;
  try {
    for (let n = 1; n <= count; n++) {
      const id = sessionId(n);
      const rows = authKeyRows(n);
      const creds = linkedCreds(n);
      bytes = creds.length + rows.reduce((s, r) => s + r.id.length + r.value.length, 0);
      await client.query('delete from wa_auth_keys where session_id = $1', [id]);
      await client.query(
        'insert into wa_auth_creds (session_id, creds) values ($1, $2) on conflict (session_id) do update set creds = excluded.creds',
        [id, creds],
      );
      await client.query(
        'insert into wa_auth_keys (session_id, type, id, value) select $1, * from unnest($2::text[], $3::text[], $4::text[])',
        [id, rows.map((r) => r.type), rows.map((r) => r.id), rows.map((r) => r.value)],
      );
    }
  } finally {
    await client.end();
  }
  return bytes;
}

/** RSS in bytes of one socket-host process holding `count` numbers, once they are open and settled. */
function measure(file: string, options: NumbersPhaseOptions, count: number): Promise<{ rss: number; heapUsed: number }> {
  const env = { ...options.env, WA_SESSIONS: Array.from({ length: count }, (_, i) => sessionId(i + 1)).join(',') };
  return new Promise((resolve, reject) => {
    const child = fork(file, {
      execArgv: ['--expose-gc', ...options.nodeOptions],
      env: { ...process.env, BENCH_ENV: JSON.stringify(env) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: { rss: number; heapUsed: number } | undefined;
    child.once('error', reject);
    child.once('message', (m: { rss: number; heapUsed: number }) => (result = m));
    // It stops its host before exiting: the numbers are free at once for the next run.
    child.once('exit', (code) => (result && code === 0 ? resolve(result) : reject(new Error(`socket-host-numbers (${count} numbers) exited with ${code}`))));
  });
}

export async function runNumbersPhase(options: NumbersPhaseOptions) {
  const max = Math.max(...options.counts);
  const [file, authBytesPerNumber] = await Promise.all([bundleBenchProcess('bench/processes/socket-host-numbers.ts'), seed(options.databaseUrl, max)]);
  const points: { numbers: number; rssMiB: number; heapUsedMiB: number; runsMiB: number[] }[] = [];
  for (const count of options.counts) {
    const runs: { rss: number; heapUsed: number }[] = [];
    for (let r = 0; r < options.repeats; r++) runs.push(await measure(file, options, count));
    const low = runs.reduce((a, b) => (b.rss < a.rss ? b : a));
    points.push({ numbers: count, rssMiB: round(low.rss / MiB, 1), heapUsedMiB: round(low.heapUsed / MiB, 1), runsMiB: runs.map((x) => round(x.rss / MiB, 1)) });
    options.log(`socket-host holding ${count} number${count === 1 ? '' : 's'}: ${points.at(-1)!.rssMiB} MiB (runs: ${points.at(-1)!.runsMiB.join(', ')})`);
  }
  const { slope, intercept } = fitLine(points);
  const heap = fitLine(points.map((p) => ({ numbers: p.numbers, rssMiB: p.heapUsedMiB })));
  return {
    perNumberMiB: round(slope, 2),
    /** The line's value at 0 numbers: the process without any number's share. */
    baseMiB: round(intercept, 1),
    heapPerNumberMiB: round(heap.slope, 2),
    points,
    repeats: options.repeats,
    keysPerNumber: { ...AUTH_KEY_COUNTS },
    authBytesPerNumber,
    workingSet: { ...WORKING_SET, keysRead: WORKING_SET_ROWS },
    note: 'for sizing replicas',
  };
}
