/**
 * One socket per number, across hosts: a lease on the session's wa_sessions row. Expiry is computed
 * by the database clock, so hosts with skewed clocks still agree on who holds it.
 */
import { and, eq, sql } from 'drizzle-orm';
import { waSessions } from '../drizzle/schema.ts';
import type { Db } from '../shared/db.ts';

export type Lease = {
  /** Takes the lease if it is free, expired or already ours; true when we hold it afterwards. */
  acquire(): Promise<boolean>;
  /** Extends our lease; false when another host took it (ours had expired). */
  renew(): Promise<boolean>;
  /** Frees it at once so another host need not wait for the expiry. */
  release(): Promise<void>;
};

export function createLease(db: Db, sessionId: string, owner: string, ttlMs: number): Lease {
  const expiry = () => sql`now() + (${Math.round(ttlMs)}::int * interval '1 millisecond')`;
  return {
    async acquire() {
      const rows = await db
        .insert(waSessions)
        .values({ id: sessionId, leaseOwner: owner, leaseExpiresAt: expiry() })
        .onConflictDoUpdate({
          target: waSessions.id,
          set: { leaseOwner: owner, leaseExpiresAt: expiry() },
          setWhere: sql`${waSessions.leaseOwner} is null or ${waSessions.leaseOwner} = ${owner} or ${waSessions.leaseExpiresAt} < now()`,
        })
        .returning({ id: waSessions.id });
      return rows.length === 1;
    },
    async renew() {
      const rows = await db
        .update(waSessions)
        .set({ leaseExpiresAt: expiry() })
        .where(and(eq(waSessions.id, sessionId), eq(waSessions.leaseOwner, owner)))
        .returning({ id: waSessions.id });
      return rows.length === 1;
    },
    async release() {
      await db
        .update(waSessions)
        .set({ leaseOwner: null, leaseExpiresAt: null })
        .where(and(eq(waSessions.id, sessionId), eq(waSessions.leaseOwner, owner)));
    },
  };
}
