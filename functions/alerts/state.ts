import { and, eq, isNull, lte, sql } from 'drizzle-orm';
import { alerts } from '../../drizzle/schema.ts';
import type { Services } from '../services.ts';
import { openIn, publishMirror, type AlertMirror } from './mirror.ts';
import { alertText, sendAlert } from './notify.ts';

export type OpenAlert = { key: string; detail: string; openedAt: Date; notifiedAt: Date | null };

/**
 * The condition holds: recorded (its first sighting kept while it lasts; reopened if it had cleared),
 * then announced once it has held for `afterMs`. `since` is when it began, when an event says so (the
 * socket-host's time of a logout); otherwise now. The announcement is claimed by an UPDATE that only one
 * caller wins (notified_at still null), so isolates evaluating at once send it once; a send that fails
 * gives the claim back and the next evaluation tries again. The Redis mirror is rewritten after it.
 */
export async function openCondition(s: Services, key: string, detail: string, afterMs = 0, since?: Date): Promise<boolean> {
  await s.db
    .insert(alerts)
    .values({ key, detail, ...(since && { openedAt: since }) })
    .onConflictDoUpdate({
      target: alerts.key,
      set: {
        detail: sql`excluded.detail`,
        openedAt: sql`case when "alerts"."resolved_at" is null then "alerts"."opened_at" else excluded.opened_at end`,
        notifiedAt: sql`case when "alerts"."resolved_at" is null then "alerts"."notified_at" else null end`,
        resolvedAt: sql`null`,
      },
      // Cleared by an event seen after this sighting began (a late "logged out" after the "open"
      // that followed it): not reopened.
      setWhere: sql`"alerts"."resolved_at" is null or "alerts"."resolved_at" <= excluded.opened_at`,
    });
  const claimed = await s.db
    .update(alerts)
    .set({ notifiedAt: sql`now()` })
    .where(and(eq(alerts.key, key), isNull(alerts.notifiedAt), isNull(alerts.resolvedAt), afterMs > 0 ? lte(alerts.openedAt, sql`now() - make_interval(secs => ${afterMs / 1000})`) : undefined))
    .returning({ detail: alerts.detail });
  if (!claimed[0]) {
    await publishMirror(s);
    return false;
  }
  try {
    await sendAlert(s, alertText(key, claimed[0].detail, 'opened'));
    s.log.warn({ alert: key }, 'alert sent');
    return true;
  } catch (err) {
    s.log.error({ alert: key, err: String(err) }, 'could not send an alert; the next evaluation tries again');
    await s.db.update(alerts).set({ notifiedAt: null }).where(and(eq(alerts.key, key), isNull(alerts.resolvedAt)));
    return false;
  } finally {
    await publishMirror(s);
  }
}

/**
 * The condition no longer holds: marked resolved once (the UPDATE returns the row to one caller), and
 * "resolved" is said only if the alert itself was said. `seenAt` is when an event saw it over: a
 * condition that began after that (a late "open" arriving after the logout it preceded) stays open,
 * and it is kept as the resolution's time so that an older sighting arriving later does not reopen it.
 */
export async function clearCondition(s: Services, key: string, seenAt?: Date): Promise<boolean> {
  const cleared = await s.db
    .update(alerts)
    .set({ resolvedAt: seenAt ?? sql`now()` })
    .where(and(eq(alerts.key, key), isNull(alerts.resolvedAt), seenAt && lte(alerts.openedAt, seenAt)))
    .returning({ notifiedAt: alerts.notifiedAt });
  if (!cleared[0]) return false;
  await publishMirror(s);
  if (!cleared[0].notifiedAt) return false;
  try {
    await sendAlert(s, alertText(key, '', 'resolved'));
    s.log.info({ alert: key }, 'alert resolved');
    return true;
  } catch (err) {
    // Not retried: the condition is over, and a late "resolved" would only confuse.
    s.log.error({ alert: key, err: String(err) }, 'could not send an alert’s resolution');
    return false;
  }
}

/**
 * The condition holds, as a check that runs again and again sees it: the database is written only when
 * the mirror says something changed (not open yet, due to be announced, or — with `refresh` — said in
 * other words, like a dead-letter count), so a condition that goes on costs no query.
 */
export async function holds(s: Services, mirror: AlertMirror, key: string, detail: string, options: { afterMs?: number; refresh?: boolean } = {}): Promise<void> {
  const afterMs = options.afterMs ?? 0;
  const open = openIn(mirror).find((a) => a.key === key);
  const due = open !== undefined && open.notifiedAt === null && Date.now() - Date.parse(open.openedAt) >= afterMs;
  if (open && !due && (!options.refresh || open.detail === detail)) return;
  await openCondition(s, key, detail, afterMs);
}

/** Clears every open condition of a kind (`prefix`, e.g. `down:`) that is not among `holding`, as the mirror has them. */
export async function clearAllBut(s: Services, mirror: AlertMirror, prefix: string, holding: Iterable<string>): Promise<void> {
  const keep = new Set(holding);
  for (const { key } of openIn(mirror)) if (key.startsWith(prefix) && !keep.has(key)) await clearCondition(s, key);
}

/** The conditions holding now, oldest first (announced or still waiting for their delay). */
export async function listOpenAlerts(s: Services): Promise<OpenAlert[]> {
  return await s.db
    .select({ key: alerts.key, detail: alerts.detail, openedAt: alerts.openedAt, notifiedAt: alerts.notifiedAt })
    .from(alerts)
    .where(isNull(alerts.resolvedAt))
    .orderBy(alerts.openedAt);
}

export const announced = (a: OpenAlert) => a.notifiedAt !== null;
