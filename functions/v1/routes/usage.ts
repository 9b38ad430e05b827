import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { USAGE_METRICS } from '../../usage/meter.ts';
import { pricesOf } from '../../../shared/config/prices.ts';
import { MAX_USAGE_DAYS, periodOf, readUsage } from '../../usage/read-usage.ts';
import { readReplyMetrics } from '../../usage/read-replies.ts';
import { readStorage } from '../../usage/read-storage.ts';
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

const StorageSchema = z
  .object({
    databaseBytes: z.number().int().openapi({ description: 'The database on disk (pg_database_size): tables, indexes and TOAST.' }),
    databaseLimitBytes: z.number().int().openapi({ description: "Neon's free storage (0.5 GB)." }),
    databasePercent: z.number().openapi({ description: 'databaseBytes / databaseLimitBytes, in percent, one decimal.' }),
    mediaFiles: z.number().int().openapi({ description: 'Media files kept in the bucket (inbound and sent).' }),
    mediaBytes: z.number().int().openapi({ description: 'Their bytes, decrypted.' }),
    retentionDays: z.number().int().nullable().openapi({ description: 'RETENTION_DAYS: older messages and media are deleted every day; null: kept forever.' }),
  })
  .openapi('UsageStorage', { description: 'What this deployment keeps now.' });

const PercentilesSchema = z.object({
  p50: z.number().int().nullable().openapi({ description: 'Median, in milliseconds; null with no reply.' }),
  p95: z.number().int().nullable().openapi({ description: '95th percentile, in milliseconds; null with no reply.' }),
});

const ReplyMetricsSchema = z
  .object({
    replies: z.number().int().openapi({ description: "Agent replies written (a reply's first part); one held back by the contact's hourly limit is none." }),
    latencyMs: PercentilesSchema.openapi({
      description:
        "From the customer's message reaching the socket-host (its stored time) to the reply's first part accepted by the socket-host for sending: what the customer waits, burst window, queue and model included.",
    }),
    composeMs: PercentilesSchema.openapi({ description: 'The agent\'s own part of it: from claiming the reply to its text written (knowledge search, model calls, tools).' }),
    modelErrors: z.number().int().openapi({ description: 'Replies that were the fallback text because the model failed.' }),
    sendFailures: z.number().int().openapi({ description: 'Replies a part of which could not be sent.' }),
    errorPercent: z.number().nullable().openapi({ description: 'Replies with a model error or a failed send, over replies, in percent (two decimals); null with no reply.' }),
  })
  .openapi('ReplyMetrics');

const CostSummarySchema = z
  .object({
    total: z.number().openapi({ description: 'In `currency`, eight decimals.' }),
    perMessage: z.number().nullable().openapi({ description: 'total / messages; null when no customer message was received.' }),
    messages: z.number().int().openapi({ description: 'Customer messages received.' }),
    parts: z.object({ model: z.number(), qstash: z.number(), redis: z.number(), workers: z.number() }),
  })
  .openapi('CostSummary');

const CostSchema = z
  .object({
    currency: z.string().openapi({ description: 'PRICE_CURRENCY (ISO 4217), a label: nothing is converted.', example: 'USD' }),
    prices: z
      .object({
        modelInputPerMTok: z.number(),
        modelOutputPerMTok: z.number(),
        qstashPer100k: z.number(),
        redisPer100k: z.number(),
        workersPerMillion: z.number(),
      })
      .openapi({ description: 'The unit prices used (the PRICE_* variables).' }),
    period: CostSummarySchema,
    today: CostSummarySchema,
    month: CostSummarySchema.openapi({ description: 'This calendar month (UTC) so far.' }),
  })
  .openapi('UsageCost', {
    description:
      'The counted usage at the configured prices. Usage within a free tier (QStash 1,000 messages a day, Redis 500,000 commands a month, Workers 100,000 requests a day) costs nothing; the model has none. Database and the socket-host container are not included.',
  });

const UsageSchema = z
  .object({
    days: z.array(UsageDaySchema).openapi({ description: 'Every day of the period, oldest first; today is last.' }),
    today: UsageDaySchema,
    perMessage: PerMessageSchema,
    freeTiers: FreeTiersSchema,
    limits: z.array(LimitSchema).openapi({ description: 'QStash messages today, Redis commands this month, Workers requests today.' }),
    storage: StorageSchema,
    replies: z.object({ period: ReplyMetricsSchema, today: ReplyMetricsSchema }).openapi({ description: "The agent's replies: latency, errors." }),
    cost: CostSchema,
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
    'deliveries, Redis commands, function requests; what it keeps now (database and media bytes); the agent\'s replies (latency ' +
    'percentiles, error rate); and what the period cost at the PRICE_* variables. Counts are written every few seconds, so the last seconds may be ' +
    'missing, and an instance that stops may lose its last few seconds of counts.',
  ...guard(['usage:read'], ['keys:admin']),
  request: { query: UsageQuery },
  responses: { 200: ok(UsageSchema, 'The usage of the period.'), ...errors(400, 403) },
});

export function registerUsageRoutes(app: OpenAPIHono<V1Env>) {
  app.openapi(getUsageRoute, async (c) => {
    const { days } = c.req.valid('query');
    const { db, config } = c.get('services');
    const period = days ? Number(days) : 7;
    const now = Date.now();
    const { periodStart, today } = periodOf(period, now);
    const [usage, storage, replies] = await Promise.all([
      readUsage(db, period, now, pricesOf(config)),
      readStorage(db),
      readReplyMetrics(db, periodStart, today),
    ]);
    return c.json({ ...usage, storage: { ...storage, retentionDays: config.RETENTION_DAYS ?? null }, replies }, 200);
  });
}
