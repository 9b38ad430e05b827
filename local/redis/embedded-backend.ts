import { createHash, randomUUID } from 'node:crypto';
import RedisMock from 'ioredis-mock';
import commandList from 'ioredis-mock/data/command-list.json' with { type: 'json' };
import { RedisCommandError, withErrorCode, type Outcome, type RedisBackend } from './backend.ts';
import { expiryApplies, parseExpireOptions } from './expire-options.ts';
import { checkKeyTypes, EMPTY_RESULT_DELETES_DESTINATION } from './key-types.ts';
import { canonicalSet, fromLua, MOCK_LUA_ERROR, numericUpdate, upperCaseOptions, wrapScript } from './mock-quirks.ts';

type Method = (...args: string[]) => Promise<unknown>;

/** Real Redis command names; anything else on the mock (on, emit, duplicate...) is not a command. */
const REDIS_COMMANDS = new Set(commandList.list);

/** An in-process engine (ioredis-mock, Lua through fengari) for running without any Redis server. */
export function createEmbeddedBackend(): RedisBackend {
  // ioredis-mock shares data between instances with the same host:port; a unique host keeps
  // every stand-in's data its own.
  const mock = new RedisMock({ host: `embedded-${randomUUID()}` });
  const methods = mock as unknown as Record<string, Method | undefined>;
  const method = (name: string): Method => {
    const found = methods[name];
    if (typeof found !== 'function') throw new RedisCommandError(`ERR unknown command '${name}'`);
    return found.bind(mock);
  };
  const scripts = new Map<string, string>(); // sha1 -> body, for EVALSHA and SCRIPT

  async function runScript(script: string, rest: string[]): Promise<unknown> {
    scripts.set(createHash('sha1').update(script).digest('hex'), script); // Redis caches EVAL'd scripts too
    return fromLua(await method('eval')(wrapScript(script), ...rest));
  }

  async function script([sub = '', ...rest]: string[]): Promise<unknown> {
    switch (sub.toLowerCase()) {
      case 'load': {
        const sha = createHash('sha1').update(rest[0] ?? '').digest('hex');
        scripts.set(sha, rest[0] ?? '');
        return sha;
      }
      case 'exists':
        return rest.map((sha) => (scripts.has(sha.toLowerCase()) ? 1 : 0));
      case 'flush':
        scripts.clear();
        return 'OK';
      default:
        throw new RedisCommandError(`ERR unknown subcommand '${sub}'. Try SCRIPT HELP.`);
    }
  }

  async function run([command = '', ...rest]: string[]): Promise<unknown> {
    const name = command.toLowerCase();
    if (name === 'eval' || name === 'eval_ro') return runScript(rest[0] ?? '', rest.slice(1));
    if (name === 'evalsha' || name === 'evalsha_ro') {
      const body = scripts.get((rest[0] ?? '').toLowerCase());
      if (body === undefined) throw new RedisCommandError('NOSCRIPT No matching script. Please use EVAL.');
      return runScript(body, rest.slice(1));
    }
    if (name === 'script') return script(rest);
    if (!REDIS_COMMANDS.has(name) || typeof methods[name] !== 'function') {
      throw new RedisCommandError(`ERR unknown command '${command}', with args beginning with: ${rest.map((a) => `'${a}'`).join(' ')}`);
    }
    const settled = await checkKeyTypes(name, rest, async (key) => String(await method('type')(key)));
    if (settled) return settled.answer;
    const expire = parseExpireOptions(name, rest);
    if (expire) {
      const pttl = Number(await method('pttl')(expire.key));
      return expiryApplies(expire, pttl, Date.now()) ? method(name)(expire.key, expire.amount) : 0;
    }
    const numeric = numericUpdate(name);
    if (numeric) {
      const current = numeric.hash ? await method('hget')(rest[0]!, rest[1]!) : await method('get')(rest[0]!);
      numeric.check(current, rest[numeric.hash ? 2 : 1]);
    }
    if (name === 'set') {
      const set = canonicalSet(rest);
      const ttl = set.keepTtl ? Number(await method('pttl')(rest[0]!)) : -1;
      const result = await method('set')(...set.args);
      if (ttl > 0) await method('pexpire')(rest[0]!, String(ttl)); // the mock drops the TTL on every SET
      return result;
    }
    const result = await method(name)(...upperCaseOptions(name, rest));
    if (EMPTY_RESULT_DELETES_DESTINATION.has(name) && Number(result) === 0) await method('del')(rest[0]!);
    return result;
  }

  // One thing at a time, so a MULTI runs with nothing interleaved, as in Redis.
  let tail: Promise<unknown> = Promise.resolve();
  function serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = tail.then(work, work);
    tail = next.catch(() => undefined);
    return next;
  }

  async function outcome(args: string[]): Promise<Outcome> {
    try {
      return { result: await run(args) };
    } catch (error) {
      return { error: errorMessage(error) };
    }
  }

  return {
    kind: 'embedded',
    exec: (args) =>
      serialized(async () => {
        const result = await outcome(args);
        if ('error' in result) throw new RedisCommandError(result.error);
        return result.result;
      }),
    pipeline: (commands) =>
      serialized(async () => {
        const outcomes: Outcome[] = [];
        for (const args of commands) outcomes.push(await outcome(args));
        return outcomes;
      }),
    multi: (commands) =>
      serialized(async () => {
        // Redis discards the whole transaction when a command is unknown at queueing time.
        if (commands.some(([name = '']) => !REDIS_COMMANDS.has(name.toLowerCase()))) {
          throw new RedisCommandError('EXECABORT Transaction discarded because of previous errors.');
        }
        const outcomes: Outcome[] = [];
        for (const args of commands) outcomes.push(await outcome(args));
        return outcomes;
      }),
    async close() {
      await serialized(() => method('flushall')()); // the context outlives the instance in ioredis-mock
      mock.disconnect();
    },
  };
}

function errorMessage(error: unknown): string {
  let message = error instanceof Error ? error.message : String(error);
  if (message.startsWith(MOCK_LUA_ERROR)) message = message.slice(MOCK_LUA_ERROR.length);
  if (message.startsWith('Unsupported command')) {
    return `ERR ${message.split(',')[0]} in the embedded engine (ioredis-mock); give the stand-in a redisUrl to use a real Redis`;
  }
  return withErrorCode(message);
}
