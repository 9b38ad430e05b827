/**
 * Numbers as data: a number added through the API is a wa_sessions row with `added_at` (the socket-host
 * starts those at every start) and a signed command that makes the running socket-host hold it now.
 * Removing one erases everything that links it — the socket-host logs it out and closes its socket,
 * then its auth state, its row and its own agent profile go. Its conversations stay: they are the
 * business's history, not the link.
 */
import type { z } from '@hono/zod-openapi';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { waAuthCreds, waAuthKeys, waSessions } from '../../drizzle/schema.ts';
import { deleteProfile } from '../agent/settings.ts';
import { ApiError } from '../errors.ts';
import { relayToSocketHost } from '../outbound/socket-host-client.ts';
import type { Services } from '../services.ts';
import { updateAgent } from './agent.ts';
import type { AgentUpdate } from './schemas.ts';

/** What the socket-host says of a number it holds (GET /sessions). */
export type HostSession = {
  id: string;
  status: 'not_linked' | 'connecting' | 'qr' | 'open' | 'reconnecting' | 'logged_out' | 'replaced' | 'stopped';
  phone: string | null;
  reason: string | null;
  cause: string | null;
  retryAt: string | null;
};

/** A number as /v1 shows it: the socket-host's link state, and what the table knows (name, whether the API added it). */
export type NumberView = HostSession & { name: string | null; addedAt: string | null };

/** The socket-host takes up to 20 s to have a socket ready for a pairing code; wait a little longer. */
export const RELAY_TIMEOUT_MS = 25_000;

export const relay = (s: Services, path: string, body?: unknown) => relayToSocketHost(s, path, body, RELAY_TIMEOUT_MS);

export async function hostSessions(s: Services): Promise<HostSession[]> {
  const { data } = (await (await relay(s, '/sessions')).json()) as { data: HostSession[] };
  return data;
}

/**
 * Adds the table's name and added_at to what the socket-host says (one query for the whole list). In a
 * pool of replicas the one that answered may not hold a number (`held: false`): its holder keeps the
 * row's status, reason and phone up to date, so the row says how that number is.
 */
export async function withNames(s: Services, listed: (HostSession & { held?: boolean })[]): Promise<NumberView[]> {
  const ids = listed.map((h) => h.id);
  const rows = ids.length
    ? await s.db
        .select({
          id: waSessions.id,
          name: waSessions.name,
          addedAt: waSessions.addedAt,
          status: waSessions.status,
          reason: waSessions.statusReason,
          phone: waSessions.phone,
          heldElsewhere: sql<boolean>`${waSessions.leaseExpiresAt} > now()`,
        })
        .from(waSessions)
        .where(inArray(waSessions.id, ids))
    : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return listed.map(({ held, ...h }) => {
    const row = byId.get(h.id);
    const state = held === false && row?.heldElsewhere ? { status: row.status as HostSession['status'], reason: row.reason, phone: row.phone, cause: null, retryAt: null } : {};
    return { ...h, ...state, name: row?.name ?? null, addedAt: row?.addedAt?.toISOString() ?? null };
  });
}

export type NewNumber = { id: string; name?: string; agent?: z.infer<typeof AgentUpdate> };

/**
 * Stores the number, gives it its agent profile, then has the socket-host hold it at once. Any step
 * failing undoes the earlier ones, so a retry meets no half-added number.
 */
export async function addNumber(s: Services, input: NewNumber): Promise<NumberView> {
  const { id } = input;
  // The socket-host knows its WA_SESSIONS seed; the table knows the numbers added before.
  if ((await hostSessions(s)).some((h) => h.id === id)) {
    throw new ApiError('CONFLICT', `The number "${id}" already exists; pick another id.`, {}, [{ field: 'id', message: 'is taken' }]);
  }
  const addedAt = new Date();
  // A row without added_at is one the lease wrote for a number no longer held (a seed dropped from
  // WA_SESSIONS): the id is free again, and its link, if any, is taken over.
  const claimed = await s.db
    .insert(waSessions)
    .values({ id, name: input.name ?? null, addedAt })
    .onConflictDoUpdate({ target: waSessions.id, set: { name: input.name ?? null, addedAt }, setWhere: isNull(waSessions.addedAt) })
    .returning({ id: waSessions.id });
  if (!claimed.length) {
    throw new ApiError('CONFLICT', `The number "${id}" already exists; pick another id.`, {}, [{ field: 'id', message: 'is taken' }]);
  }
  // Undone as it was found: a row of ours goes; a row a lease wrote (one that may still hold a lease) stays, unclaimed.
  const ours = and(eq(waSessions.id, id), eq(waSessions.addedAt, addedAt));
  const undo = async () => {
    await s.db.batch([
      s.db.delete(waSessions).where(and(ours, isNull(waSessions.leaseOwner))),
      s.db.update(waSessions).set({ name: null, addedAt: null }).where(ours),
    ]);
    if (input.agent) await deleteProfile(s.db, id);
  };
  try {
    if (input.agent) await updateAgent(s, input.agent, id).catch((err: unknown) => Promise.reject(underAgent(err)));
    const held = (await (await relay(s, '/sessions', { id })).json()) as HostSession;
    return { ...held, name: input.name ?? null, addedAt: addedAt.toISOString() };
  } catch (err) {
    await undo().catch(() => undefined);
    throw err;
  }
}

/** updateAgent names a bad tool URL `tools.N.url`; in this body it sits under `agent`. */
function underAgent(err: unknown): unknown {
  if (!(err instanceof ApiError) || err.code !== 'VALIDATION_FAILED' || !err.details) return err;
  const details = err.details.map((d) => ({ ...d, field: `agent.${d.field}` }));
  return new ApiError(err.code, `agent.${err.message}`, err.headers, details);
}

/**
 * Logs the number out (it leaves the phone's Linked devices), closes its socket and erases its auth
 * state, its row and its own agent profile. WA_SESSIONS seeds are refused: the next start would bring
 * them back.
 */
export async function removeNumber(s: Services, id: string): Promise<void> {
  const [row] = await s.db.select({ addedAt: waSessions.addedAt }).from(waSessions).where(eq(waSessions.id, id));
  if (!row?.addedAt) {
    if ((await hostSessions(s)).some((h) => h.id === id)) {
      throw new ApiError('CONFLICT', `The number "${id}" comes from WA_SESSIONS; remove it there (then redeploy the socket-host), not through the API.`);
    }
    throw new ApiError('NOT_FOUND', `There is no number "${id}".`);
  }
  try {
    await relay(s, `/sessions/${id}/remove`, {});
  } catch (err) {
    // Not held (it never started there, or another host has it stopped): nothing to close, only data to erase.
    if (!(err instanceof ApiError && err.code === 'NOT_FOUND')) throw err;
  }
  // After the socket closed, so no late creds.update writes the link back.
  await s.db.batch([
    s.db.delete(waAuthKeys).where(eq(waAuthKeys.sessionId, id)),
    s.db.delete(waAuthCreds).where(eq(waAuthCreds.sessionId, id)),
    s.db.delete(waSessions).where(eq(waSessions.id, id)),
  ]);
  await deleteProfile(s.db, id);
}
