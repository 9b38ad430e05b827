import type { Redis, UpstashRequest } from '@upstash/redis';
import type { UsageMeter } from './meter.ts';

/**
 * Counts every Redis command the client sends, as Upstash bills them: a pipeline or a transaction of
 * n commands is n commands. Auto-pipelining (the SDK's default) batches single calls into /pipeline
 * requests, so the HTTP requests alone would undercount.
 */
export function countRedisCommands(redis: Redis, meter: UsageMeter): void {
  redis.use(async (req, next) => {
    meter.add('redis.commands', commandsIn(req));
    return await next(req);
  });
}

/** `POST /pipeline` and `/multi-exec` carry `[[cmd, …args], …]`; anything else is one command. */
export function commandsIn(req: UpstashRequest): number {
  const batch = req.path?.[0] === 'pipeline' || req.path?.[0] === 'multi-exec';
  if (!batch) return 1;
  return Array.isArray(req.body) ? req.body.length : 0;
}
