import { FREE_TIERS } from '../../functions/usage/free-tiers.ts';

type Results = Record<string, any>;

const row = (cells: (string | number)[]) => `  ${String(cells[0]).padEnd(46)}${cells.slice(1).map((c) => String(c).padStart(14)).join('')}`;
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
  lines.push(`3. Throughput: ${r.throughput.sustainedPerSecond} inbound messages/s with p95 < 250 ms (target ≥ 300: ${check(r.throughput.sustainedPerSecond >= 300)})`);
  for (const s of r.throughput.steps) lines.push(row([`offered ${s.rate}/s`, `p50 ${s.p50}`, `p95 ${s.p95}`, `${s.errors} errors`]));
  lines.push('');
  const m = r.socketHostRssMiB;
  lines.push('4. socket-host RSS (MiB, after GC)', row(['idle, one linked number', m.idle, '', `≤100: ${check(m.idle <= 100)}`]));
  lines.push(row(['after ~1,000 events', m.after1000, '', '']), row([`after ${m.events} events`, m.after10000, `${m.growthPct}%`, `≤10%: ${check(m.growthPct <= 10)}`]), '');
  const b = r.workersBundle;
  lines.push('5. Workers bundle', row(['size / gzip (KiB)', (b.bytes / 1024).toFixed(1), (b.gzipBytes / 1024).toFixed(1), `≤1 MiB gz: ${check(b.gzipBytes <= 2 ** 20)}`]));
  lines.push(row(['import time (ms)', b.importMs, '', `≤50: ${check(b.importMs <= 50)}`]), '');
  const p = r.perInboundMessage;
  lines.push('6. Upstream operations per inbound message (counted at the stand-ins)');
  lines.push(row(['QStash messages (delivery attempts)', p.qstashMessages, '', `≤1: ${check(p.qstashMessages <= 1)}`]));
  lines.push(row(['Redis commands', p.redisCommands, '', `≤8: ${check(p.redisCommands <= 8)}`]));
  lines.push(row(['database round trips (functions + socket-host)', p.databaseRoundTrips, `${p.functionsRoundTrips} + ${p.socketHostRoundTrips}`, '']));
  lines.push(row(['function invocations', p.functionInvocations, '', '']));
  lines.push(row(['Workers subrequests (avg / max per request)', p.workersSubrequests, p.workersSubrequestsMaxPerRequest, '≤50']));
  lines.push(row(['database storage (bytes)', p.storageBytes, '', '']), '');
  lines.push('   Free tiers: customer messages a day each one allows');
  for (const t of r.freeTiers.tiers) lines.push(row([`${t.tier} (${t.limit})`, t.messagesPerDay ?? '—', '', '']) + (t.note ? `  ${t.note}` : ''));
  lines.push(`   Binds first: ${r.freeTiers.bindsFirst} at ${r.freeTiers.messagesPerDay} messages/day; 1,000/day fits every tier: ${r.freeTiers.fits1000PerDay ? 'yes' : 'no'}`, '');
  lines.push('Written to bench/results/latest.json', '');
  console.log(lines.join('\n'));
}
