import { Hono } from 'hono';
import type { HonoEnv } from '../hono-env.ts';
import { checkSocketHost, runChecks, type Check, type WhatsAppSession } from './checks.ts';

/** Health per CONTRACT.md: no key, no secrets; 503 names the failing component. */
export const health = new Hono<HonoEnv>();

health.get('/', async (c) => {
  const checks = await runChecks(c.get('services'));
  const failing = Object.entries(checks)
    .filter(([, check]) => !check.ok)
    .map(([name]) => name);
  const whatsapp = sessionsOf(checks.socketHost);
  const body = { status: failing.length ? 'degraded' : 'ok', failing, checks, whatsapp };
  c.header('Cache-Control', 'no-store');
  return c.json(body, failing.length ? 503 : 200);
});

/** For uptime monitors: 503 while a linked number is not connected (a fresh install is fine). */
health.get('/whatsapp', async (c) => {
  const socketHost = await checkSocketHost(c.get('services'));
  c.header('Cache-Control', 'no-store');
  if (!socketHost.ok) return c.json({ status: 'down', reason: 'socket-host unreachable', sessions: [] }, 503);
  const sessions = sessionsOf(socketHost);
  const down = sessions.filter((s) => s.status !== 'open' && s.status !== 'not_linked');
  return c.json({ status: down.length ? 'down' : 'ok', sessions }, down.length ? 503 : 200);
});

function sessionsOf(check: Check): WhatsAppSession[] {
  return Array.isArray(check.sessions) ? (check.sessions as WhatsAppSession[]) : [];
}
