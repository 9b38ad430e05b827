import { FREE_TIERS } from '../../functions/usage/free-tiers.ts';
import { FIRST_LOAD_TARGET_KIB } from './console-load.ts';
import { round } from './stats.ts';

type Results = Record<string, any>;

/** Right-aligned columns of 14, each at least one space apart from the one before (a long target text overflows its column). */
const row = (cells: (string | number)[]) => `  ${String(cells[0]).padEnd(46)}${cells.slice(1).map((c) => ` ${String(c).padStart(13)}`).join('')}`;
const check = (ok: boolean) => (ok ? 'met' : 'NOT met');

/** The table `npm run bench` prints; the JSON beside it has every number. */
export function printReport(r: Results) {
  const lines: string[] = ['', `ia_agent bench — ${r.at} — ${r.machine.cpus} cores, Node ${r.machine.node}`, ''];
  const cpu = r.cpuPerInboundMs;
  lines.push('1. CPU per inbound message (ms)', row(['', 'median', 'p99', 'target']));
  lines.push(row(['inbound hook (/hooks/whatsapp)', cpu.hook.p50, cpu.hook.p99, `≤2 / ≤5: ${check(cpu.hook.p50 <= 2 && cpu.hook.p99 <= 5)}`]));
  lines.push(row(['bare Hono handler, same process', cpu.bareHono.p50, cpu.bareHono.p99, '']));
  lines.push(row(['same hook in workerd (wrangler dev), mean *', cpu.workerd.hookMeanMs, '', '']));
  lines.push(row(['unrouted request in workerd, mean *', cpu.workerd.bareMeanMs, '', '']));
  lines.push(row([`Workers free tier allows ${FREE_TIERS.workersCpuMsPerRequest} ms/request`, '', '', check(cpu.workerd.hookMeanMs - cpu.workerd.bareMeanMs <= 10)]));
  lines.push('  * whole workerd process CPU (/proc): includes the runtime\'s own HTTP work and wrangler dev\'s proxy worker,', '    which Workers does not bill; the difference between the two rows is the closer figure.', '');
  const o = r.pipelineOverheadMs;
  lines.push(`2. Pipeline overhead, event in → /send out, model time excluded (${o.n} messages, 50 customers)`);
  lines.push(row(['', 'p50', 'p95', 'p99']), row(['ms', o.p50, o.p95, o.p99]), row(['target p95 ≤ 50 ms', '', check(o.p95 <= 50), '']), '');
  lines.push(...cloudLines(r.cloudPipeline));
  lines.push(`3. Throughput: ${r.throughput.sustainedPerSecond} inbound messages/s with p95 < 250 ms (target ≥ 300: ${check(r.throughput.sustainedPerSecond >= 300)})`);
  for (const s of r.throughput.steps) lines.push(row([`offered ${s.rate}/s`, `p50 ${s.p50}`, `p95 ${s.p95}`, `${s.errors} errors`]));
  lines.push('');
  const m = r.socketHostRssMiB;
  lines.push('4. socket-host RSS (MiB, after GC; the image\'s bundle and NODE_OPTIONS)', row(['idle, one linked number', m.idle, '', `≤80: ${check(m.idle <= 80)}`]));
  lines.push(row(['baseline: bare Node with Baileys imported', m.bareBaileys, '', '']));
  lines.push(row(['after ~1,000 events', m.after1000, '', '']), row([`after ${m.events} events`, m.after10000, `${m.growthPct}%`, `≤10%: ${check(m.growthPct <= 10)}`]));
  lines.push(...perNumberLines(r.socketHostPerNumber), '');
  const b = r.workersBundle;
  lines.push('5. Workers bundle', row(['size / gzip (KiB)', (b.bytes / 1024).toFixed(1), (b.gzipBytes / 1024).toFixed(1), `≤1 MiB gz: ${check(b.gzipBytes <= 2 ** 20)}`]));
  lines.push(row(['import in Node, wall / CPU, median (ms)', b.importMs, b.importCpuMs, `≤50: ${check(b.importMs <= 50)}`]));
  lines.push(row(['start-up CPU in workerd (ms) *', b.startup.activeMs, '', `≤50: ${check(b.startup.activeMs <= 50)}`]));
  lines.push("  * `wrangler check startup`, Cloudflare's own start-up profile (parse and evaluate, GC included), median", '');
  const p = r.perInboundMessage;
  lines.push('6. Upstream operations per inbound message (counted at the stand-ins)');
  lines.push(row(['QStash messages (delivery attempts)', p.qstashMessages, '', `≤1: ${check(p.qstashMessages <= 1)}`]));
  lines.push(row(['Redis commands', p.redisCommands, '', `≤8: ${check(p.redisCommands <= 8)}`]));
  lines.push(
    row([
      'database round trips (functions + socket-host)',
      p.databaseRoundTrips,
      `${p.functionsRoundTrips} + ${p.socketHostRoundTrips}`,
      `≤2 + ≤2: ${check(p.functionsRoundTrips <= 2 && p.socketHostRoundTrips <= 2)}`,
    ]),
  );
  lines.push(row(['database statements (all batches)', p.databaseStatements, '', '']));
  lines.push(row(['function invocations', p.functionInvocations, '', '']));
  lines.push(row(['Workers subrequests (avg / max per request)', p.workersSubrequests, p.workersSubrequestsMaxPerRequest, '≤50']));
  lines.push(row(['database storage (bytes)', p.storageBytes, '', '']), '');
  lines.push('   Free tiers: customer messages a day each one allows');
  for (const t of r.freeTiers.tiers) lines.push(row([`${t.tier} (${t.limit})`, t.messagesPerDay ?? '—', '', '']) + (t.note ? `  ${t.note}` : ''));
  lines.push(`   Binds first: ${r.freeTiers.bindsFirst} at ${r.freeTiers.messagesPerDay} messages/day; 1,000/day fits every tier: ${r.freeTiers.fits1000PerDay ? 'yes' : 'no'}`, '');
  lines.push(`7. Voice notes, one at a time: fetched, decrypted, stored, transcribed, answered (fake model, ${r.voiceNotes[0]?.notes} of each size)`);
  const v = r.voiceNotes as Record<string, any>[];
  const each = (label: string, cell: (x: Record<string, any>) => string | number) => lines.push(row([label, ...v.map(cell)]));
  each('', (x) => x.size);
  each('event in → reply /send out, median (ms)', (x) => round(x.endToEndMs.p50, 1));
  each('event in → reply /send out, max (ms)', (x) => round(x.endToEndMs.max, 1));
  each('transcription calls', (x) => x.transcriptionCalls);
  each('chat model calls', (x) => x.chatModelCalls);
  each('media bucket bytes', (x) => x.bucketBytes);
  each('database row bytes (the voice note)', (x) => x.databaseRowBytes);
  each('QStash messages (delivery attempts)', (x) => x.qstashMessages);
  each('database round trips (functions + socket-host)', (x) => x.databaseRoundTrips);
  each('Workers subrequests (functions)', (x) => x.workersSubrequests);
  lines.push('');
  const k = r.knowledge;
  lines.push(`8. Knowledge search, no embedding model: ${k.documents} bakery documents, ${k.questions} questions as customers type them`);
  lines.push(row(['', 'top-1 %', 'top-3 %', 'median ms', 'p95 ms']));
  lines.push(row(['ia_agent (PostgreSQL, one round trip)', k.ours.top1, k.ours.top3, k.ours.latencyMs.p50, k.ours.latencyMs.p95]));
  lines.push(row(['MiniSearch (in memory, prefix + fuzzy)', k.miniSearch.top1, k.miniSearch.top3, k.miniSearch.latencyMs.p50, k.miniSearch.latencyMs.p95]));
  lines.push(row(['target: top-3 ≥ 90 %', '', check(k.ours.top3 >= 90), '', '']));
  lines.push('');
  lines.push(...consoleLines(r.console), '');
  lines.push('Written to bench/results/latest.json', '');
  console.log(lines.join('\n'));
}

/** Section 4, its last rows: the RSS each number held adds, a sizing figure with no target. */
function perNumberLines(n: Results): string[] {
  const [first, last] = [n.points[0], n.points.at(-1)];
  const keys = Object.values(n.keysPerNumber as Record<string, number>).reduce((a, b) => a + b, 0);
  return [
    row([`holding ${first.numbers} → ${last.numbers} numbers (fake sockets) *`, first.rssMiB, last.rssMiB, '']),
    row(['each extra number held (JS heap: ' + n.heapPerNumberMiB + ')', n.perNumberMiB, '', 'for sizing replicas']),
    `  * a fresh process per count (${n.points.map((p: Results) => p.numbers).join(', ')}), lowest of ${n.repeats}; each number's auth state ${keys.toLocaleString('en')} keys`,
    `    (${(n.authBytesPerNumber / 2 ** 20).toFixed(2)} MiB), of which it reads ${n.workingSet.keysRead} as a busy five minutes would; the slope is a least-squares fit`,
  ];
}

/** Section 2b: the pipeline again, each stand-in adding its cloud latency; absent with BENCH_PROFILE=local. */
function cloudLines(c: Results | undefined): string[] {
  if (!c) return ['2b. Pipeline under the cloud-latency profile: not run (BENCH_PROFILE=local)', ''];
  const p = c.profile;
  const o = c.overheadMs;
  const bound = round(c.floorMs * 1.5, 1);
  return [
    `2b. The same under the cloud-latency profile (${o.n} messages): Neon query ${p.neonMs} ms, Redis command ${p.redisMs} ms, QStash publish ${p.qstashPublishMs} ms and delivery ${p.qstashDeliveryMs} ms`,
    row(['', 'p50', 'p95', 'p99']),
    row(['ms', o.p50, o.p95, o.p99]),
    row(['floor: publish + delivery + 3 queries + 1 command', c.floorMs, '', '']),
    row([`target p95 ≤ 1.5 × floor (${bound} ms)`, '', check(o.p95 <= bound), '']),
    '   (figures and their sources: local/cloud-latency.ts; the floor is the sum of the hops the design cannot avoid)',
    '',
  ];
}

/** Section 9: the console's first load and the time to a signed-in Inbox (also printed alone by bench/console.ts). */
export function consoleLines(c: Results): string[] {
  const kib = (bytes: number) => (bytes / 1024).toFixed(1);
  const t = c.timeToInbox.ms;
  return [
    `9. The console: first load (${c.size.files.length} files named by index.html) and time to a signed-in Inbox (headless Chromium, cold cache, ${c.timeToInbox.runs} runs)`,
    row(['', 'JS', 'CSS', 'total']),
    row(['first load, gzipped (KiB)', kib(c.size.jsGzipBytes), kib(c.size.cssGzipBytes), kib(c.size.gzipBytes)]),
    row([`target total < ${FIRST_LOAD_TARGET_KIB} KiB`, '', '', check(c.size.gzipBytes < FIRST_LOAD_TARGET_KIB * 1024)]),
    row(['', 'median', 'p95', 'max']),
    row(['navigate → sign in → conversation list (ms)', Math.round(t.p50), Math.round(t.p95), Math.round(t.max)]),
  ];
}
