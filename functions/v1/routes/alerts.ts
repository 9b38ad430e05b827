import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { ALERT_KINDS, kindOf, runbookLink } from '../../alerts/conditions.ts';
import { checkFreeTiersNowAndThen } from '../../alerts/evaluate.ts';
import { currentMirror, openIn, type AlertRecord } from '../../alerts/mirror.ts';
import { inBackground } from '../background.ts';
import { guard } from '../auth.ts';
import type { V1Env } from '../env.ts';
import { errors, ok } from '../openapi.ts';

const AlertSchema = z
  .object({
    key: z.string().openapi({ description: 'The condition: its kind, and what it is about (`down:default`, `subscriber:<id>`).', example: 'logged_out:default' }),
    kind: z.enum(Object.keys(ALERT_KINDS) as [keyof typeof ALERT_KINDS, ...(keyof typeof ALERT_KINDS)[]]),
    title: z.string().openapi({ example: 'a number is logged out' }),
    detail: z.string().openapi({ description: 'The sentence the alert says.', example: 'number "default" was logged out (Connection Failure): it must be linked again with a QR code or a pairing code.' }),
    openedAt: z.iso.datetime().openapi({ description: 'When the condition began.' }),
    notifiedAt: z.iso.datetime().nullable().openapi({ description: 'When ALERT_WEBHOOK_URL was told; null while it waits for its delay (a number down for 5 minutes).' }),
    resolvedAt: z.iso.datetime().nullable(),
    runbook: z.string().openapi({ description: 'The runbook section that fixes it.', example: 'docs/runbooks.md#re-pair-needed-status-logged_out' }),
  })
  .openapi('Alert');

const AlertsSchema = z
  .object({
    enabled: z.boolean().openapi({ description: 'Whether ALERT_WEBHOOK_URL is set: without it no condition is checked, and both lists stay empty.' }),
    open: z.array(AlertSchema).openapi({ description: 'The conditions holding now, oldest first.' }),
    resolved: z.array(AlertSchema).openapi({ description: 'Conditions resolved in the last 24 hours, latest first.' }),
  })
  .openapi('Alerts');

export const listAlertsRoute = createRoute({
  method: 'get',
  path: '/v1/alerts',
  operationId: 'listAlerts',
  tags: ['Alerts'],
  summary: 'The alert conditions holding now, and those resolved in the last day',
  description:
    'What ALERT_WEBHOOK_URL is told (a number logged out or down for 5 minutes, dead letters, a paused subscriber, the model ' +
    'failing, a free tier past 80 %), each with the runbook section that fixes it. Read from a Redis copy of the alerts, ' +
    'so polling it does not wake the database; a condition shows here within two minutes of beginning.',
  ...guard(['usage:read'], ['keys:admin']),
  responses: { 200: ok(AlertsSchema, 'The open and recently resolved alerts.'), ...errors(403) },
});

const view = (a: AlertRecord) => {
  const kind = kindOf(a.key);
  return { ...a, kind, title: ALERT_KINDS[kind].title, runbook: runbookLink(kind) };
};

export function registerAlertRoutes(app: OpenAPIHono<V1Env>) {
  app.openapi(listAlertsRoute, async (c) => {
    const s = c.get('services');
    const mirror = await currentMirror(s);
    // The console polls this while it is open: its requests count against the free tiers too.
    inBackground(c, 'checking the free tiers', checkFreeTiersNowAndThen(s));
    const resolved = mirror.alerts.filter((a) => a.resolvedAt !== null).sort((a, b) => b.resolvedAt!.localeCompare(a.resolvedAt!));
    c.header('Cache-Control', 'no-store');
    return c.json({ enabled: Boolean(s.config.ALERT_WEBHOOK_URL), open: openIn(mirror).map(view), resolved: resolved.map(view) }, 200);
  });
}
