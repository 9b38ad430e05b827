import { describe, expect, it } from 'vitest';
import { CLOUD_LATENCY, latencyFor, NO_LATENCY } from './cloud-latency.ts';

/** Which calls to the stand-ins' app the cloud profile delays, and by which service's figure. */
describe('cloud latency', () => {
  it('delays each service by its own figure, and nothing else', () => {
    const p = { name: 'test', neonMs: 1, redisMs: 2, qstashPublishMs: 3, qstashDeliveryMs: 4 };
    expect(latencyFor(p, 'POST', '/sql')).toBe(1);
    expect(['/redis', '/redis/pipeline', '/redis/multi-exec'].map((path) => latencyFor(p, 'POST', path))).toEqual([2, 2, 2]);
    expect(['/v2/publish/http://x/hooks/whatsapp', '/v2/enqueue/q/http://x', '/v2/batch'].map((path) => latencyFor(p, 'POST', path))).toEqual([3, 3, 3]);
    // Reading the queue's state, CORS preflights and unknown paths are not hops of the pipeline.
    expect([latencyFor(p, 'GET', '/v2/messages/abc'), latencyFor(p, 'OPTIONS', '/sql'), latencyFor(p, 'POST', '/v2/dlq')]).toEqual([0, 0, 0]);
  });

  it('adds nothing without a profile, and a cloud round trip costs milliseconds', () => {
    expect(latencyFor(NO_LATENCY, 'POST', '/sql')).toBe(0);
    expect(CLOUD_LATENCY.neonMs).toBeGreaterThan(0);
    expect(CLOUD_LATENCY.qstashDeliveryMs).toBeGreaterThan(CLOUD_LATENCY.qstashPublishMs);
  });
});
