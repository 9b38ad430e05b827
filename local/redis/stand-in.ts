import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { RedisCommandError, toRestValue, type Outcome, type RedisBackend } from './backend.ts';
import { createCommandPreparer } from './commands.ts';
import { createEmbeddedBackend } from './embedded-backend.ts';
import { createIoredisBackend } from './ioredis-backend.ts';
import { encodeStringsBase64, wantsBase64 } from './response-encoding.ts';

/**
 * An endpoint speaking Upstash Redis' REST protocol, so that product code keeps using the real
 * @upstash/redis and @upstash/ratelimit SDKs locally: POST / (one command), /pipeline and
 * /multi-exec, relative to wherever `app` is mounted.
 */
export interface RedisStandIn {
  app: Hono;
  /** Redis commands executed (a pipeline of 3 counts 3) and authorized HTTP requests served. */
  stats: { commands: number; requests: number };
  backend: 'redis' | 'embedded';
  close(): Promise<void>;
}

export interface RedisStandInOptions {
  /** What clients must send as `Authorization: Bearer <token>` (or `?_token=`). */
  token: string;
  /** A real Redis to forward to; without it an in-process engine (ioredis-mock) holds the data. */
  redisUrl?: string;
  log?: (line: string) => void;
}

type Reply = [200 | 400 | 500, unknown];

export function createRedisStandIn(options: RedisStandInOptions): RedisStandIn {
  const backend: RedisBackend = options.redisUrl
    ? createIoredisBackend(options.redisUrl, options.log)
    : createEmbeddedBackend();
  const stats = { commands: 0, requests: 0 };
  const prepareCommand = createCommandPreparer();
  const expectedToken = sha256(options.token);
  const app = new Hono();

  function authorized(c: Context): boolean {
    const header = c.req.header('authorization');
    const token = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : c.req.query('_token');
    // Compare digests so the check takes the same time whatever the token's length or content.
    return token !== undefined && timingSafeEqual(sha256(token), expectedToken);
  }

  function shape(outcome: Outcome, base64: boolean): Outcome {
    if ('error' in outcome) return outcome;
    const result = toRestValue(outcome.result);
    return { result: base64 ? encodeStringsBase64(result) : result };
  }

  async function single(body: unknown, base64: boolean): Promise<Reply> {
    const args = prepareCommand(body);
    stats.commands += 1;
    return [200, shape({ result: await backend.exec(args) }, base64)];
  }

  async function pipeline(body: unknown, base64: boolean): Promise<Reply> {
    // Not atomic: a malformed or refused command fails alone, like a failing one would.
    const prepared = batchOf(body).map((command) => {
      try {
        return prepareCommand(command);
      } catch (error) {
        return { error: (error as Error).message };
      }
    });
    const runnable = prepared.filter((p): p is string[] => Array.isArray(p));
    stats.commands += runnable.length;
    const outcomes = await backend.pipeline(runnable);
    let next = 0;
    return [200, prepared.map((p) => (Array.isArray(p) ? shape(outcomes[next++]!, base64) : p))];
  }

  async function multiExec(body: unknown, base64: boolean): Promise<Reply> {
    let commands: string[][];
    try {
      commands = batchOf(body).map(prepareCommand);
    } catch (error) {
      // What Redis does when a command is refused while queueing: nothing of it runs.
      throw new RedisCommandError(`EXECABORT Transaction discarded because of previous errors. (${(error as Error).message})`);
    }
    stats.commands += commands.length;
    const outcomes = await backend.multi(commands);
    return [200, outcomes.map((outcome) => shape(outcome, base64))];
  }

  function serve(path: string, handle: (body: unknown, base64: boolean) => Promise<Reply>): void {
    app.post(path, async (c) => {
      // The SDK sends it to read its own writes; Upstash echoes it, and so do we.
      const syncToken = c.req.header('upstash-sync-token');
      if (syncToken !== undefined) c.header('upstash-sync-token', syncToken);
      if (!authorized(c)) return json(c, 401, { error: 'WRONGPASS invalid or missing auth token' });
      stats.requests += 1;
      let body: unknown;
      try {
        body = JSON.parse(await c.req.text());
      } catch {
        return json(c, 400, { error: 'ERR the request body is not valid JSON' });
      }
      const [status, payload] = await handle(body, wantsBase64(c.req.header('upstash-encoding'))).catch(failure);
      options.log?.(`redis ${c.req.path} ${describe(body)} -> ${status}`);
      return json(c, status, payload);
    });
  }

  serve('/', single);
  serve('/pipeline', pipeline);
  serve('/multi-exec', multiExec);

  return { app, stats, backend: backend.kind, close: () => backend.close() };
}

function batchOf(body: unknown): unknown[] {
  if (!Array.isArray(body) || body.length === 0) {
    throw new RedisCommandError('ERR the body must be a non-empty JSON array of commands, e.g. [["GET","k"]]');
  }
  return body;
}

/** Redis' error replies are the client's business (400); anything else is a failure of ours. */
function failure(error: unknown): Reply {
  if (error instanceof RedisCommandError) return [400, { error: error.message }];
  return [500, { error: `ERR the Redis stand-in failed: ${error instanceof Error ? error.message : String(error)}` }];
}

function json(c: Context, status: 200 | 400 | 401 | 500, payload: unknown): Response {
  return c.body(JSON.stringify(payload), status, { 'content-type': 'application/json' });
}

/** Command names only: values may be secrets or personal data. */
function describe(body: unknown): string {
  if (!Array.isArray(body)) return '?';
  if (Array.isArray(body[0])) return `[${body.map((command) => (Array.isArray(command) ? command[0] : '?')).join(' ')}]`;
  return String(body[0]);
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
