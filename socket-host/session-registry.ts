/**
 * The numbers this socket-host holds, as they change while it runs: the WA_SESSIONS seed, every number
 * added through POST /v1/sessions (wa_sessions rows with added_at, read at start so a restart keeps
 * them), and the signed add/remove commands the functions send. Its Map is the one the sender, the
 * commands and /health read, so a number added here answers at once without a restart.
 */
import { isNotNull } from 'drizzle-orm';
import type { Logger } from 'pino';
import { waSessions } from '../drizzle/schema.ts';
import type { Db } from '../shared/db.ts';
import { HostError } from './http-errors.ts';
import type { Sender } from './send.ts';
import type { Session, SessionView } from './session.ts';

export type SessionRegistryDeps = {
  db: Db;
  sessions: Map<string, Session>;
  /** Numbers that come from configuration (WA_SESSIONS, the playground): only a new deploy removes them. */
  seeds: ReadonlySet<string>;
  newSession: (id: string) => Session;
  sender: Pick<Sender, 'addSession' | 'removeSession'>;
  log: Logger;
};

export type SessionRegistry = ReturnType<typeof createSessionRegistry>;

/** The ids of the numbers added through the API, oldest first. */
export async function readAddedSessionIds(db: Db): Promise<string[]> {
  const rows = await db.select({ id: waSessions.id }).from(waSessions).where(isNotNull(waSessions.addedAt)).orderBy(waSessions.addedAt);
  return rows.map((r) => r.id);
}

/** How long a number removed here stays out of syncs if its row is not seen gone (the API failed to delete it). */
const REMOVAL_MEMORY_MS = 60_000;

export function createSessionRegistry(deps: SessionRegistryDeps) {
  const { sessions } = deps;
  const log = deps.log.child({ part: 'sessions' });
  /** When this host learned each number: a sync only forgets what it knew before its read began. */
  const learnedAt = new Map<string, number>();
  /**
   * Numbers removed here, until a read finds their row gone (the API deletes it just after the
   * command) or a while has passed: a sync that read the row a moment before must not bring them back.
   */
  const removedAt = new Map<string, number>();
  const recentlyRemoved = (id: string) => Date.now() - (removedAt.get(id) ?? Number.NEGATIVE_INFINITY) < REMOVAL_MEMORY_MS;

  /**
   * Holds and starts a number. One this host already knows is answered as it is: the API's command
   * may come after a sync (or a start) read the number's row, and a retry after a lost answer must not
   * fail. Only a seed is refused (409): the API never adds those.
   */
  async function add(id: string): Promise<SessionView> {
    if (deps.seeds.has(id)) throw new HostError('CONFLICT', `The number "${id}" comes from WA_SESSIONS; it cannot be added through the API.`);
    removedAt.delete(id);
    const known = sessions.get(id);
    if (known) return known.view();
    const session = deps.newSession(id);
    sessions.set(id, session);
    learnedAt.set(id, Date.now());
    deps.sender.addSession(session);
    await session.start();
    log.info({ session: id }, 'number added');
    return session.view();
  }

  return {
    add,

    /**
     * Lets a number go for good: logged out on the phone (so it leaves Linked devices) and its auth
     * state cleared when this host holds it, its socket closed and its lease freed. Seeds stay: they
     * come back with the next start until WA_SESSIONS drops them.
     */
    async remove(id: string): Promise<void> {
      const session = sessions.get(id);
      if (!session) throw new HostError('NOT_FOUND', `This socket-host holds no session "${id}".`);
      if (deps.seeds.has(id)) {
        throw new HostError('CONFLICT', `The number "${id}" comes from WA_SESSIONS; remove it there (a redeploy), not through the API.`);
      }
      // Out of the map first: no new send or command reaches it while it goes.
      sessions.delete(id);
      learnedAt.delete(id);
      removedAt.set(id, Date.now());
      await deps.sender.removeSession(id);
      if (session.holdsLease) await session.logout();
      await session.stop();
      log.info({ session: id }, 'number removed');
    },

    /** Starts every number the API added that is not held yet (at start, and after a database outage). */
    async addStored(ids: readonly string[]): Promise<void> {
      await Promise.all(ids.filter((id) => !sessions.has(id) && !recentlyRemoved(id)).map((id) => add(id)));
    },

    /**
     * Catches up with what the API did through other replicas of a pool: numbers added elsewhere are
     * known here too (claimed when this host has room, or when their holder dies), and numbers removed
     * elsewhere are let go here: socket closed, lease freed, nothing logged out or erased (the replica
     * that held it did that). One query; run on a timer, off the message path.
     */
    async sync(): Promise<void> {
      const readAt = Date.now();
      const stored = new Set(await readAddedSessionIds(deps.db));
      for (const id of removedAt.keys()) if (!stored.has(id) || !recentlyRemoved(id)) removedAt.delete(id);
      await this.addStored([...stored]);
      for (const [id, session] of sessions) {
        if (deps.seeds.has(id) || stored.has(id) || (learnedAt.get(id) ?? 0) >= readAt) continue;
        sessions.delete(id);
        learnedAt.delete(id);
        await deps.sender.removeSession(id);
        await session.stop();
        log.info({ session: id }, 'number removed through another socket-host: let go');
      }
    },
  };
}
