import { and, desc, eq, isNotNull, isNull, notInArray, or } from 'drizzle-orm';
import { messages, webhookSubscriptions } from '../../drizzle/schema.ts';
import type { SessionStatusEvent } from '../../shared/contracts/wa-event.ts';
import { checkSocketHost, type WhatsAppSession } from '../health/checks.ts';
import { DELETED_TRIGGER } from '../pipeline/message-change.ts';
import { CONTACT_LIMIT_ERROR, MODEL_ERROR_PREFIX } from '../pipeline/reply-claim.ts';
import type { Services } from '../services.ts';
import { readUsage } from '../usage/read-usage.ts';
import { alertKey, DOWN_AFTER_MS, FREE_TIER_PERCENT, MODEL_FAILURE_STREAK } from './conditions.ts';
import { currentMirror, mirrorKey, openIn, publishMirror, readMirror, RECONCILE_AFTER_MS, type AlertMirror } from './mirror.ts';
import { clearAllBut, clearCondition, holds, openCondition } from './state.ts';
import { subscriberDetail } from './subscriber.ts';

/**
 * Replies that were never the model's to fail: over the contact's limit, or answering a deleted
 * message. Read at call time: the pipeline imports this module back, so its constants may not exist yet
 * while this module loads.
 */
const notModelErrors = () => [CONTACT_LIMIT_ERROR, DELETED_TRIGGER];

export type Evaluation = { outcome: 'disabled' } | { outcome: 'evaluated'; failed: string[] };

/**
 * Every condition without an event, checked once: the periodic evaluation (Workers cron, QStash
 * schedule, local timer) that catches a number down for 5 minutes and dead letters, and clears what
 * is over. It reads the Redis mirror of the alerts table (one command) and asks the socket-host and
 * QStash; it queries the database only when something changed, so a quiet deployment lets Neon's
 * compute sleep. What lives in the database (a paused subscriber, the model failing, the usage
 * counts) is opened and cleared by the events that change it; the database checks run here only
 * when the mirror is missing or a day old. Without ALERT_WEBHOOK_URL nothing is evaluated. One
 * failing check does not stop the others.
 */
export async function evaluateAlerts(s: Services): Promise<Evaluation> {
  if (!s.config.ALERT_WEBHOOK_URL) return { outcome: 'disabled' };
  const failed: string[] = [];
  const run = async (name: string, check: () => Promise<unknown>) => {
    try {
      await check();
    } catch (err) {
      failed.push(name);
      s.log.error({ check: name, err: String(err) }, 'an alert check failed');
    }
  };
  let mirror = await readMirror(s).catch((err: unknown) => {
    s.log.error({ err: String(err) }, 'could not read the alerts mirror; reading the database');
    return null;
  });
  if (!mirror || Date.now() - mirror.at >= RECONCILE_AFTER_MS) {
    const known = mirror ?? (await publishMirror(s));
    await run('subscribers', () => checkSubscribers(s, known));
    await run('model', () => checkModel(s));
    await run('freeTiers', () => checkFreeTiers(s, known));
    // Rewritten even when nothing changed: its time says when the database was last read.
    mirror = await publishMirror(s);
  }
  const current = mirror;
  await run('sessions', () => checkSessions(s, current));
  await run('deadLetters', () => checkDeadLetters(s, current));
  await run('freeTiers', () => recheckFreeTiers(s, current));
  return { outcome: 'evaluated', failed };
}

/**
 * Down as GET /api/health/whatsapp sees it: not open, unless never linked and waiting for its first
 * link. Logged out has its own alert.
 */
const WAITING_FOR_A_LINK = new Set(['qr', 'connecting', 'reconnecting']);
const isDown = (s: WhatsAppSession) =>
  s.status !== 'open' && s.status !== 'not_linked' && s.status !== 'logged_out' && !(s.linked === false && WAITING_FOR_A_LINK.has(s.status));

async function checkSessions(s: Services, mirror: AlertMirror): Promise<void> {
  const host = await checkSocketHost(s, { details: true });
  if (!host.ok) {
    // Every number is down with it: one alert for the process rather than one per number.
    await holds(s, mirror, alertKey('down', 'socket-host'), `the socket-host does not answer (${host.error}).`, { afterMs: DOWN_AFTER_MS });
    return;
  }
  const sessions = (host.sessions ?? []) as WhatsAppSession[];
  const loggedOut = sessions.filter((x) => x.status === 'logged_out');
  const down = sessions.filter(isDown);
  for (const x of loggedOut) await holds(s, mirror, alertKey('logged_out', x.id), loggedOutDetail(x.id, x.reason));
  for (const x of down) await holds(s, mirror, alertKey('down', x.id), `number "${x.id}" is ${x.status}${x.reason ? ` (${x.reason})` : ''}.`, { afterMs: DOWN_AFTER_MS });
  await clearAllBut(s, mirror, 'logged_out:', loggedOut.map((x) => alertKey('logged_out', x.id)));
  await clearAllBut(s, mirror, 'down:', down.map((x) => alertKey('down', x.id)));
}

const loggedOutDetail = (id: string, reason?: string | null) =>
  `number "${id}" was logged out${reason ? ` (${reason})` : ''}: it must be linked again with a QR code or a pairing code.`;

/**
 * The socket-host's session.status events, as they arrive: a logout is announced at once; a link
 * lost starts the 5 minutes of a down number from the moment it happened; open clears both. Events
 * can arrive out of order (a retried delivery): each condition keeps the socket-host's time it began,
 * and an event seen before that changes nothing.
 */
export async function onSessionStatus(s: Services, event: SessionStatusEvent): Promise<void> {
  if (!s.config.ALERT_WEBHOOK_URL) return;
  const id = event.sessionId;
  const at = new Date(event.at);
  if (event.status === 'open') {
    await clearCondition(s, alertKey('logged_out', id), at);
    await clearCondition(s, alertKey('down', id), at);
  } else if (event.status === 'logged_out') {
    await clearCondition(s, alertKey('down', id), at);
    await openCondition(s, alertKey('logged_out', id), loggedOutDetail(id, event.reason), 0, at);
  } else if (event.phone && ['connecting', 'reconnecting', 'replaced', 'stopped'].includes(event.status)) {
    await openCondition(s, alertKey('down', id), `number "${id}" is ${event.status}${event.reason ? ` (${event.reason})` : ''}.`, DOWN_AFTER_MS, at);
  }
}

async function checkDeadLetters(s: Services, mirror: AlertMirror): Promise<void> {
  const page = await s.qstash.dlq.listMessages({ count: 100 });
  const n = page.messages.length;
  if (n === 0) return await clearAllBut(s, mirror, alertKey('dead_letters'), []);
  const more = page.cursor ? ' or more' : '';
  await holds(s, mirror, alertKey('dead_letters'), `${n}${more} message${n === 1 ? '' : 's'} could not be delivered and wait in QStash's dead-letter list.`, { refresh: true });
}

/** The database's word on paused subscribers, for the daily reconciliation; the events below keep it current. */
async function checkSubscribers(s: Services, mirror: AlertMirror): Promise<void> {
  const paused = await s.db
    .select({ id: webhookSubscriptions.id, url: webhookSubscriptions.url, reason: webhookSubscriptions.pausedReason })
    .from(webhookSubscriptions)
    .where(and(isNotNull(webhookSubscriptions.pausedAt), isNull(webhookSubscriptions.deletedAt)));
  for (const sub of paused) await holds(s, mirror, alertKey('subscriber', sub.id), subscriberDetail(sub.id, sub.url, sub.reason));
  await clearAllBut(s, mirror, 'subscriber:', paused.map((sub) => alertKey('subscriber', sub.id)));
}

/**
 * The model fails repeatedly: the last MODEL_FAILURE_STREAK replies the agent wrote (the first part of
 * each) all carry the model's error (compose.ts falls back and keeps the error). A reply the model
 * wrote clears it. Sends that failed are not the model's doing and are skipped.
 */
export async function checkModel(s: Services): Promise<void> {
  const latest = await s.db
    .select({ error: messages.error })
    .from(messages)
    .where(
      and(
        eq(messages.author, 'agent'),
        eq(messages.part, 0),
        notInArray(messages.status, ['generating', 'failed']),
        or(isNull(messages.error), notInArray(messages.error, notModelErrors())),
      ),
    )
    .orderBy(desc(messages.createdAt))
    .limit(MODEL_FAILURE_STREAK);
  const failing = latest.length === MODEL_FAILURE_STREAK && latest.every((m) => m.error?.startsWith(MODEL_ERROR_PREFIX));
  if (!failing) return void (await clearCondition(s, alertKey('model')));
  const said = latest[0]!.error!.slice(MODEL_ERROR_PREFIX.length, MODEL_ERROR_PREFIX.length + 200);
  await openCondition(s, alertKey('model'), `the last ${MODEL_FAILURE_STREAK} replies were the fallback text because the model failed (last: ${said}).`);
}

/** The free tiers against the usage counts in the database (one query). */
export async function checkFreeTiers(s: Services, mirror: AlertMirror): Promise<void> {
  const { limits } = await readUsage(s.db, 1);
  const over = limits.filter((l) => l.percent >= FREE_TIER_PERCENT);
  const keyOf = (tier: string) => alertKey('free_tier', tier.toLowerCase().replace(/\W+/g, '-'));
  for (const l of over) {
    await holds(s, mirror, keyOf(l.tier), `${l.tier}: ${l.used.toLocaleString('en')} of ${l.limit.toLocaleString('en')} this ${l.period} (${l.percent} %).`);
  }
  await clearAllBut(s, mirror, 'free_tier:', over.map((l) => keyOf(l.tier)));
}

/** How often one isolate reads the usage counts for the free tiers while it serves traffic. */
export const FREE_TIERS_EVERY_MS = 10 * 60_000;
const freeTiersCheckedAt = new WeakMap<Services, number>();

/**
 * The usage counts only grow with traffic, and traffic has the database awake: so the free tiers are
 * checked by the requests that serve it (a customer's message, the console), at most every
 * FREE_TIERS_EVERY_MS per isolate, never by the periodic evaluation of a quiet deployment.
 */
export async function checkFreeTiersNowAndThen(s: Services): Promise<void> {
  if (!s.config.ALERT_WEBHOOK_URL) return;
  const last = freeTiersCheckedAt.get(s) ?? 0;
  if (Date.now() - last < FREE_TIERS_EVERY_MS) return;
  freeTiersCheckedAt.set(s, Date.now());
  await checkFreeTiers(s, await currentMirror(s));
}

/**
 * A free tier past 80 % clears when its day (or month) turns over, which no request may come to see:
 * while one is open, the periodic evaluation reads the counts again, at most hourly (one Redis SET NX
 * decides which evaluation does).
 */
async function recheckFreeTiers(s: Services, mirror: AlertMirror): Promise<void> {
  if (!openIn(mirror).some((a) => a.key.startsWith('free_tier:'))) return;
  const due = await s.redis.set(`${mirrorKey(s.config)}:free-tiers-read`, 1, { nx: true, ex: 3600 });
  if (due) await checkFreeTiers(s, mirror);
}

