/**
 * Counts the outbound requests of this process by destination (what Workers bills as subrequests)
 * and the Redis commands inside them, by wrapping the global fetch the SDKs use.
 */
export type Destination = 'database' | 'redis' | 'queue' | 'socketHost' | 'functions' | 'model' | 'other';
export type FetchCounts = Record<Destination, number> & { redisCommands: number; total: number };

export type Observed = { kind: Destination; url: URL; body: unknown; startedAt: number; endedAt: number };

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes. */
export const now = () => performance.timeOrigin + performance.now();

export function installFetchMeter(classify: (url: URL) => Destination, observe?: (o: Observed) => void) {
  const counts = empty();
  const original = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const kind = classify(url);
    counts[kind]++;
    counts.total++;
    if (kind === 'redis') counts.redisCommands += redisCommandsIn(init?.body);
    const startedAt = now();
    const res = await original(input, init);
    observe?.({ kind, url, body: init?.body, startedAt, endedAt: now() });
    return res;
  };
  return {
    counts: () => ({ ...counts }),
    reset: () => Object.assign(counts, empty()),
  };
}

function redisCommandsIn(body: unknown): number {
  if (typeof body !== 'string') return 1;
  const parsed = JSON.parse(body) as unknown[];
  return Array.isArray(parsed[0]) ? parsed.length : 1;
}

function empty(): FetchCounts {
  return { database: 0, redis: 0, queue: 0, socketHost: 0, functions: 0, model: 0, other: 0, redisCommands: 0, total: 0 };
}

/** Destinations of the bench's own stack, from the URLs in its environment. */
export function classifierFor(env: Record<string, string>) {
  const origin = (u: string | undefined) => (u ? new URL(u).origin : '');
  return (url: URL): Destination => {
    const path = url.pathname;
    if (url.origin === origin(env.DATABASE_HTTP_URL) && path.endsWith('/sql')) return 'database';
    if (url.origin === origin(env.UPSTASH_REDIS_REST_URL) && path.startsWith('/redis')) return 'redis';
    if (url.origin === origin(env.QSTASH_URL) && path.startsWith('/v2/')) return 'queue';
    if (url.origin === origin(env.SOCKET_HOST_URL)) return 'socketHost';
    if (url.origin === origin(env.PUBLIC_URL)) return 'functions';
    if (url.origin === origin(env.AI_BASE_URL)) return 'model';
    return 'other';
  };
}
