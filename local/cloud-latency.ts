/**
 * Per-call latency the local stand-ins can add, so that a local run shows what round trips cost once
 * the hops cross a network (`npm run bench` runs the pipeline with `none` and with `cloud`).
 *
 * The `cloud` figures are for a Worker near its services' region, as the design deploys them:
 * - Neon HTTP query, 10 ms: one HTTPS round trip to Neon's proxy on a warm connection; Neon puts a
 *   round trip between nearby US states at about 10 ms (neon.tech/blog/quicker-serverless-postgres),
 *   and an HTTP query is one round trip (its driver's whole point, "Pick the right transport",
 *   neon.com/faqs/postgres-serverless-functions-connection-issues).
 * - Upstash Redis REST command, 10 ms: the same nearby HTTPS round trip; Redis itself answers in about
 *   1 ms in-region (upstash.com/blog/edge-caching-benchmark).
 * - QStash publish, 20 ms: an HTTPS round trip to a durable queue, which stores the message before
 *   answering (a nearby round trip plus the write; Upstash documents no figure).
 * - QStash delivery, 100 ms from publish to the request at the destination: Upstash documents no figure
 *   either; its support aims at "max ~1 sec" (github.com/upstash/qstash-js/issues/102). 100 ms is the
 *   optimistic side of that, so the floor below is not padded.
 */
export type LatencyProfile = {
  name: string;
  /** Each request to Neon's /sql (a query or a whole batch). */
  neonMs: number;
  /** Each request to the Redis REST endpoint (a command, a pipeline or a transaction). */
  redisMs: number;
  /** Each publish, enqueue or batch request to QStash. */
  qstashPublishMs: number;
  /** Before each delivery attempt QStash makes to a destination. */
  qstashDeliveryMs: number;
};

export const NO_LATENCY: LatencyProfile = { name: 'local', neonMs: 0, redisMs: 0, qstashPublishMs: 0, qstashDeliveryMs: 0 };

export const CLOUD_LATENCY: LatencyProfile = { name: 'cloud', neonMs: 10, redisMs: 10, qstashPublishMs: 20, qstashDeliveryMs: 100 };

/** The per-call wait for a request to the stand-ins' app, by the service its path belongs to. */
export function latencyFor(profile: LatencyProfile, method: string, path: string): number {
  if (method !== 'POST') return 0;
  if (path === '/sql') return profile.neonMs;
  if (path === '/redis' || path.startsWith('/redis/')) return profile.redisMs;
  if (path.startsWith('/v2/publish/') || path.startsWith('/v2/enqueue/') || path === '/v2/batch') return profile.qstashPublishMs;
  return 0;
}

export const sleep = (ms: number) => (ms > 0 ? new Promise<void>((resolve) => setTimeout(resolve, ms)) : Promise.resolve());
