import { Redis, ReplyError } from 'ioredis';
import { RedisCommandError, type Outcome, type RedisBackend } from './backend.ts';

/** Redis' own error replies pass through; anything else (a lost connection...) stays a failure of ours. */
function asCommandError(error: unknown): unknown {
  return error instanceof ReplyError ? new RedisCommandError((error as Error).message) : error;
}

function toOutcomes(replies: [Error | null, unknown][]): Outcome[] {
  return replies.map(([error, result]) => (error ? { error: error.message } : { result }));
}

/** A real Redis behind one ioredis connection, which all REST requests share. */
export function createIoredisBackend(url: string, log?: (line: string) => void): RedisBackend {
  const redis = new Redis(url, {
    // Fail a request after a few reconnect attempts instead of holding the HTTP call for minutes.
    maxRetriesPerRequest: 3,
  });
  // Without a listener ioredis prints "Unhandled error event" on every reconnect attempt.
  redis.on('error', (error: Error) => log?.(`redis stand-in: connection error: ${error.message}`));

  async function batch(commands: string[][], atomic: boolean): Promise<Outcome[]> {
    // multi() queues MULTI ... EXEC and writes it in one go on the same connection.
    const queue = atomic ? redis.multi() : redis.pipeline();
    for (const [name, ...args] of commands) queue.call(name!, ...args);
    let replies: [Error | null, unknown][] | null;
    try {
      replies = await queue.exec();
    } catch (error) {
      // EXECABORT: a command was refused while queueing (unknown command, wrong arity...).
      const causes = (error as { previousErrors?: Error[] }).previousErrors ?? [];
      for (const cause of causes) log?.(`redis stand-in: transaction discarded: ${cause.message}`);
      throw asCommandError(error);
    }
    if (replies === null) throw new RedisCommandError('EXECABORT Transaction discarded');
    return toOutcomes(replies);
  }

  return {
    kind: 'redis',
    async exec([name, ...args]) {
      try {
        return await redis.call(name!, ...args);
      } catch (error) {
        throw asCommandError(error);
      }
    },
    pipeline: (commands) => batch(commands, false),
    multi: (commands) => batch(commands, true),
    async close() {
      try {
        await redis.quit();
      } catch {
        redis.disconnect(); // already closed or unreachable: nothing left to flush
      }
    },
  };
}
