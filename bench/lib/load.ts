import { QSTASH_DEV_CREDENTIALS } from '../../shared/config/qstash-dev-credentials.ts';
import { signQStashJwt } from '../../shared/qstash-jwt.ts';
import { receivedEvent } from '../../test-support/wa-events.ts';
import { percentile, round } from './stats.ts';

export type SignedPoster = { url: string; bareUrl: string };

let n = 0;
/** A customer message event as the socket-host publishes it, from a customer never seen before. */
function event() {
  const i = ++n;
  const phone = `1777${String(i).padStart(7, '0')}`;
  const id = `3EB0F${i.toString(16).toUpperCase().padStart(17, '0')}`;
  return JSON.stringify(receivedEvent(phone, id, `Hello, do you deliver on Sundays? L${i}`, { pushName: 'Bench' }));
}

/** Posts to the hook exactly as QStash would: signed for that URL and body. */
export async function post(url: string, body: string = event()): Promise<number> {
  const signature = await signQStashJwt({
    signingKey: QSTASH_DEV_CREDENTIALS.QSTASH_CURRENT_SIGNING_KEY,
    url,
    body: new TextEncoder().encode(body),
  });
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'upstash-signature': signature }, body });
  await res.arrayBuffer();
  return res.status;
}

/** One request at a time, so each request's CPU is its own. */
export async function runCpuPhase(
  p: SignedPoster,
  count: number,
  readCpu: () => Promise<{ hook: number[]; bare: number[] }>,
  reset: () => Promise<unknown>,
) {
  for (let i = 0; i < 50; i++) await post(p.url, event()); // warm-up
  await reset();
  for (let i = 0; i < count; i++) {
    const body = event();
    if ((await post(p.url, body)) !== 200) throw new Error('the inbound hook refused a bench event');
    await post(p.bareUrl, body);
  }
  return await readCpu();
}

/**
 * Open-loop load: requests start on schedule whether or not earlier ones finished, at rising rates,
 * until p95 passes 250 ms or a request fails. Reports the highest rate that held. It starts low (10/s), so a
 * machine that cannot hold 50/s still shows what it can.
 */
export async function runThroughputPhase(p: SignedPoster, log: (l: string) => void, seconds = 4) {
  const steps: { rate: number; sent: number; p95: number; p50: number; errors: number }[] = [];
  for (const rate of [10, 25, 50, 100, 150, 200, 250, 300, 400, 500]) {
    const latencies: number[] = [];
    let errors = 0;
    const started = performance.now();
    const inflight: Promise<void>[] = [];
    for (let i = 0; i < rate * seconds; i++) {
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const t0 = performance.now();
      inflight.push(
        post(p.url, event()).then(
          (status) => {
            latencies.push(performance.now() - t0);
            if (status !== 200) errors++;
          },
          () => void errors++,
        ),
      );
    }
    await Promise.all(inflight);
    const step = { rate, sent: rate * seconds, p50: round(percentile(latencies, 50), 1), p95: round(percentile(latencies, 95), 1), errors };
    steps.push(step);
    log(`throughput: ${rate}/s → p50 ${step.p50} ms, p95 ${step.p95} ms, ${errors} errors`);
    if (step.p95 > 250 || errors > 0) break;
  }
  const held = steps.filter((s) => s.p95 <= 250 && s.errors === 0);
  return { sustainedPerSecond: held.at(-1)?.rate ?? 0, steps };
}
