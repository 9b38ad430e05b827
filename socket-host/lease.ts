/**
 * One socket per number, across hosts: a lease on the session's wa_sessions row. Expiry is computed
 * by the database clock, so hosts with skewed clocks still agree on who holds it.
 */
import { and, eq, sql } from 'drizzle-orm';
import { waSessions } from '../drizzle/schema.ts';
import type { Db } from '../shared/db.ts';
import type { LeasePool } from './lease-pool.ts';

export type Lease = {
  /** Takes the lease if it is free, expired or already ours; true when we hold it afterwards. */
  acquire(): Promise<boolean>;
  /** Extends our lease; false when another host took it (ours had expired). */
  renew(): Promise<boolean>;
  /** Frees it at once so another host need not wait for the expiry. */
  release(): Promise<void>;
};

/**
 * `pool`: this host's share of a pool of replicas. A number is only claimed while the host is under
 * its cap, and the row records where the functions reach the holder.
 *
 * `createsRow`: a WA_SESSIONS seed has its row made by its first lease. A number added through the API
 * has a row from the start, and once the API removed it nobody may bring the row (and a new link)
 * back, so its lease only updates.
 */
export function createLease(db: Db, sessionId: string, owner: string, ttlMs: number, options: { pool?: LeasePool; createsRow?: boolean } = {}): Lease {
  const { pool, createsRow = true } = options;
  const expiry = () => sql`now() + (${Math.round(ttlMs)}::int * interval '1 millisecond')`;
  const ownerUrl = pool?.ownerUrl ?? null;
  return {
    async acquire() {
      // Reserved before the round trip: the numbers of one host start at once, and the cap must hold.
      if (pool && !pool.reserve(sessionId)) return false;
      try {
        const free = sql`(${waSessions.leaseOwner} is null or ${waSessions.leaseOwner} = ${owner} or ${waSessions.leaseExpiresAt} < now())`;
        const claim = { leaseOwner: owner, leaseOwnerUrl: ownerUrl, leaseExpiresAt: expiry() };
        const rows = createsRow
          ? await db
              .insert(waSessions)
              .values({ id: sessionId, ...claim })
              .onConflictDoUpdate({ target: waSessions.id, set: claim, setWhere: free })
              .returning({ id: waSessions.id })
          : await db
              .update(waSessions)
              .set(claim)
              .where(and(eq(waSessions.id, sessionId), free))
              .returning({ id: waSessions.id });
        if (rows.length === 1) {
          pool?.acquired(sessionId);
          return true;
        }
        pool?.free(sessionId);
        return false;
      } catch (err) {
        pool?.free(sessionId);
        throw err;
      }
    },
    async renew() {
      const rows = await db
        .update(waSessions)
        .set({ leaseExpiresAt: expiry() })
        .where(and(eq(waSessions.id, sessionId), eq(waSessions.leaseOwner, owner)))
        .returning({ id: waSessions.id });
      if (rows.length === 0) pool?.free(sessionId);
      return rows.length === 1;
    },
    async release() {
      // Freed in memory first: even when the write fails, the row expires and the room is ours again.
      pool?.free(sessionId);
      await db
        .update(waSessions)
        .set({ leaseOwner: null, leaseOwnerUrl: null, leaseExpiresAt: null })
        .where(and(eq(waSessions.id, sessionId), eq(waSessions.leaseOwner, owner)));
    },
  };
}
