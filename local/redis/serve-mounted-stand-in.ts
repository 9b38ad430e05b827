import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { Redis } from '@upstash/redis';
import { listen } from '../../test-support/listen.ts';
import { TEST_REDIS_URL } from '../../test-support/redis.ts';
import { createRedisStandIn, type RedisStandIn } from './stand-in.ts';

/** Tests run everything against both engines: a real Redis and the embedded one. */
export const BACKENDS = [
  { name: 'real Redis', redisUrl: TEST_REDIS_URL as string | undefined },
  { name: 'embedded engine', redisUrl: undefined },
];

export interface MountedStandIn {
  standIn: RedisStandIn;
  token: string;
  /** Where the stand-in answers: `<server>/redis`, as the local services app mounts it. */
  url: string;
  /**
   * The real Upstash SDK pointed at the stand-in. Its defaults are base64 responses and
   * auto-pipelining (single commands batched into /pipeline requests); both can be turned off.
   */
  client(options?: { base64?: boolean; autoPipelining?: boolean; token?: string }): Redis;
  close(): Promise<void>;
}

/** Serves a stand-in mounted at /redis of a parent app, the way local/services.ts does. */
export async function serveMountedStandIn(redisUrl: string | undefined): Promise<MountedStandIn> {
  const token = `token-${randomUUID()}`;
  const standIn = createRedisStandIn({ token, redisUrl });
  const parent = new Hono();
  parent.get('/', (c) => c.text('parent app')); // a sibling route, so mounting is tested for real
  parent.route('/redis', standIn.app);
  const server = await listen(parent.fetch);
  const url = `${server.url}/redis`;
  return {
    standIn,
    token,
    url,
    client: (options = {}) =>
      new Redis({
        url,
        token: options.token ?? token,
        responseEncoding: options.base64 === false ? false : 'base64',
        enableAutoPipelining: options.autoPipelining !== false,
        enableTelemetry: false,
        retry: false,
      }),
    async close() {
      await server.close();
      await standIn.close();
    },
  };
}
