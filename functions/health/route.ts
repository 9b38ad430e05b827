import { Hono, type Context } from 'hono';
import { ApiError } from '../errors.ts';
import type { HonoEnv } from '../hono-env.ts';
import { authenticateRequest } from '../v1/auth.ts';
import { checkSocketHost, runChecks, type Check, type WhatsAppSession } from './checks.ts';

/**
 * Health per CONTRACT.md, no key needed. Without a key it gives away nothing but states and component
 * names: no phone numbers, no upstream error text (which can name hosts). With an admin key
 * (`keys:admin`) it adds them, for whoever is on call.
 */
export const health = new Hono<HonoEnv>();

/** Whether the caller asked for the details: any Authorization header must then be a keys:admin key. */
async function wantsDetails(c: Context<HonoEnv>): Promise<boolean> {
  if (!c.req.header('authorization')) return false;
  const key = await authenticateRequest(c);
  if (!key.scopes.includes('keys:admin')) {
    throw new ApiError('FORBIDDEN', 'The health details need a key with keys:admin; without a key, health shows the states only.');
  }
  return true;
}

health.get('/', async (c) => {
  const details = await wantsDetails(c);
  const checks = await runChecks(c.get('services'), { details });
  const failing = Object.entries(checks)
    .filter(([, check]) => !check.ok)
    .map(([name]) => name);
  const whatsapp = sessionsOf(checks.socketHost, details);
  const shown = details ? checks : Object.fromEntries(Object.entries(checks).map(([name, check]) => [name, statesOnly(check)]));
  c.header('Cache-Control', 'no-store');
  return c.json({ status: failing.length ? 'degraded' : 'ok', failing, checks: shown, whatsapp }, failing.length ? 503 : 200);
});

/** For uptime monitors: 503 while a linked number is not connected (a fresh install is fine). */
health.get('/whatsapp', async (c) => {
  const details = await wantsDetails(c);
  const socketHost = await checkSocketHost(c.get('services'), { details });
  c.header('Cache-Control', 'no-store');
  if (!socketHost.ok) return c.json({ status: 'down', reason: 'socket-host unreachable', sessions: [] }, 503);
  const sessions = sessionsOf(socketHost, details);
  const down = sessions.filter(isDown);
  return c.json({ status: down.length ? 'down' : 'ok', sessions }, down.length ? 503 : 200);
});

/**
 * Down: not connected, unless the number was never linked and is only waiting for its first QR scan
 * (or trying to reach WhatsApp for it). Logged out or replaced is down: someone must act. A
 * socket-host from before `linked` existed counts every session as linked.
 */
const WAITING_FOR_A_LINK = new Set(['qr', 'connecting', 'reconnecting']);
const isDown = (s: WhatsAppSession) =>
  s.status !== 'open' && s.status !== 'not_linked' && !(s.linked === false && WAITING_FOR_A_LINK.has(s.status));

/** What anyone may read of a check: whether it answered, how fast, and the outbox's backlog. */
function statesOnly(check: Check) {
  return { ok: check.ok, latencyMs: check.latencyMs, ...(typeof check.outboxPending === 'number' ? { outboxPending: check.outboxPending } : {}) };
}

function sessionsOf(check: Check, details: boolean): WhatsAppSession[] {
  const sessions = Array.isArray(check.sessions) ? (check.sessions as WhatsAppSession[]) : [];
  return details ? sessions : sessions.map(({ id, status, linked }) => ({ id, status, linked }));
}
