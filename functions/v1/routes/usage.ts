import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { USAGE_METRICS } from '../../usage/meter.ts';
import { MAX_USAGE_DAYS, readUsage } from '../../usage/read-usage.ts';
import { guard } from '../auth.ts';
import type { V1Env } from '../env.ts';
import { errors, ok } from '../openapi.ts';

const UsageQuery = z.object({
  days: z
    .string()
    .regex(/^\d{1,2}$/, `must be a whole number from 1 to ${MAX_USAGE_DAYS}`)
    .refine((d) => Number(d) >= 1 && Number(d) <= MAX_USAGE_DAYS, `must be a whole number from 1 to ${MAX_USAGE_DAYS}`)
    .optional()
    .openapi({ description: `UTC days to report, today included: 1–${MAX_USAGE_DAYS} (default 7).`, example: '7' }),
});

const Metrics = z.record(z.string(), z.number().int()).openapi({
  description: `Counts by metric; a metric not counted that day is absent. Metrics: ${USAGE_METRICS.map((m) => `\`${m}\``).join(', ')}.`,
  example: { 'messages.received': 12, 'messages.sent': 12, 'queue.messages': 24, 'redis.commands': 96, 'functions.requests': 30 },
});

const UsageDaySchema = z.object({ day: z.iso.date(), metrics: Metrics }).openapi('UsageDay');

const PerMessageSchema = z
  .object({ queueMessages: z.number(), redisCommands: z.number(), functionRequests: z.number() })
  .nullable()
  .openapi('UsagePerMessage', { description: 'Averages per received customer message over the period; null before the first one.' });

const FreeTiersSchema = z
  .object({
    tiers: z.array(
      z.object({
        tier: z.string(),
        limit: z.string(),
        perMessage: z.number().nullable(),
        messagesPerDay: z.number().int().nullable().openapi({ description: 'Customer messages a day this tier allows on its own.' }),
        note: z.string().optional(),
      }),
    ),
    bindsFirst: z.string().openapi({ description: 'The tier that runs out first.' }),
    messagesPerDay: z.number().int().openapi({ description: 'Customer messages a day that fit every tier.' }),
    fits1000PerDay: z.boolean(),
  })
  .nullable()
  .openapi('FreeTierProjection', { description: 'What `perMessage` means on each free tier; null before the first message.' });

const LimitSchema = z
  .object({
    tier: z.string(),
    used: z.number().int(),
    limit: z.number().int(),
    period: z.enum(['day', 'month']),
    percent: z.number().openapi({ description: 'used / limit, in percent, one decimal.' }),
  })
  .openapi('UsageLimit');

const UsageSchema = z
  .object({
    days: z.array(UsageDaySchema).openapi({ description: 'Every day of the period, oldest first; today is last.' }),
    today: UsageDaySchema,
    perMessage: PerMessageSchema,
    freeTiers: FreeTiersSchema,
    limits: z.array(LimitSchema).openapi({ description: 'QStash messages today, Redis commands this month, Workers requests today.' }),
  })
  .openapi('Usage');

export const getUsageRoute = createRoute({
  method: 'get',
  path: '/v1/usage',
  operationId: 'getUsage',
  tags: ['Usage'],
  summary: 'Upstream usage per day, per message, and against the free tiers',
  description:
    'What this deployment itself counted of its upstream usage, per UTC day: messages, model calls and tokens, QStash ' +
    'deliveries, Redis commands, function requests. Counts are written every few seconds, so the last seconds may be ' +
    'missing, and an instance that stops may lose its last few seconds of counts.',
  ...guard(['usage:read'], ['keys:admin']),
  request: { query: UsageQuery },
  responses: { 200: ok(UsageSchema, 'The usage of the period.'), ...errors(400, 403) },
});

export function registerUsageRoutes(app: OpenAPIHono<V1Env>) {
  app.openapi(getUsageRoute, async (c) => {
    const { days } = c.req.valid('query');
    return c.json(await readUsage(c.get('services').db, days ? Number(days) : 7), 200);
  });
}
