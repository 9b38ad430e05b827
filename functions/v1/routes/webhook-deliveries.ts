import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { ApiError } from '../../errors.ts';
import { recentDeliveries, redeliver } from '../../webhooks/delivery-log.ts';
import { guard } from '../auth.ts';
import { pageLimit } from '../cursor.ts';
import type { V1Env } from '../env.ts';
import { errors, ok } from '../openapi.ts';
import { IdParams } from '../schemas.ts';

const DeliveryAttempt = z.object({
  attempt: z.int().openapi({ description: '1 for the first try.' }),
  statusCode: z.int().nullable().openapi({ description: 'What the receiver answered; null when it could not be reached.' }),
  error: z.string().nullable(),
  at: z.iso.datetime(),
});

const Delivery = z
  .object({
    id: z.string().openapi({ description: 'The `webhook-id` the receiver got (the same on every attempt and redelivery).', example: 'msg_4f1d…' }),
    event: z.string().openapi({ example: 'message.received' }),
    status: z.enum(['pending', 'retrying', 'delivered', 'failed', 'skipped', 'cancelled']).openapi({
      description: '`pending`: not tried yet; `retrying`: failed, tried again soon; `skipped`: the subscription was paused; `cancelled`: it was deleted.',
    }),
    attempts: z.array(DeliveryAttempt),
    lastStatusCode: z.int().nullable(),
    lastError: z.string().nullable(),
    createdAt: z.iso.datetime(),
    deliveredAt: z.iso.datetime().nullable(),
  })
  .openapi('WebhookDelivery');

const DeliveryList = z.object({ data: z.array(Delivery) }).openapi('WebhookDeliveryList');

const DeliveryParams = IdParams.extend({
  deliveryId: z
    .string()
    .regex(/^msg_[0-9a-f]{32}$/, 'must be a delivery id (msg_…)')
    .openapi({ param: { name: 'deliveryId', in: 'path' }, example: 'msg_4f1d2c3b4a5968778695a4b3c2d1e0f9' }),
});

export const listDeliveriesRoute = createRoute({
  method: 'get',
  path: '/v1/webhooks/{id}/deliveries',
  operationId: 'listWebhookDeliveries',
  tags: ['Webhooks'],
  summary: 'A subscription’s recent deliveries and their attempts',
  description: 'Newest first, `limit` of them (1–100, default 20), each with every attempt: what the receiver answered, or why it could not be reached.',
  ...guard(['webhooks:write']),
  request: {
    params: IdParams,
    query: z.object({ limit: z.string().regex(/^\d{1,3}$/, 'must be a whole number from 1 to 100').optional() }),
  },
  responses: { 200: ok(DeliveryList, 'Recent deliveries.'), ...errors(400, 403, 404) },
});

export const redeliverRoute = createRoute({
  method: 'post',
  path: '/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver',
  operationId: 'redeliverWebhook',
  tags: ['Webhooks'],
  summary: 'Send a delivery again',
  description:
    'Queues the recorded delivery again, same body and `webhook-id`, signed anew, with the full retry policy. ' +
    '`409` while the subscription is paused (resume it first).',
  ...guard(['webhooks:write']),
  request: { params: DeliveryParams },
  responses: { 202: ok(z.object({ status: z.enum(['queued']) }).openapi('Redelivery'), 'Queued.'), ...errors(400, 403, 404, 409) },
});

export function registerWebhookDeliveryRoutes(app: OpenAPIHono<V1Env>) {
  app.openapi(listDeliveriesRoute, async (c) => {
    const { id } = c.req.valid('param');
    const deliveries = await recentDeliveries(c.get('services'), id, pageLimit(c.req.valid('query').limit));
    if (!deliveries) throw new ApiError('NOT_FOUND', `No webhook subscription with id ${id}.`);
    return c.json({ data: deliveries as z.infer<typeof Delivery>[] }, 200);
  });

  app.openapi(redeliverRoute, async (c) => {
    const { id, deliveryId } = c.req.valid('param');
    const outcome = await redeliver(c.get('services'), id, deliveryId);
    if (outcome === 'not_found') throw new ApiError('NOT_FOUND', `No delivery ${deliveryId} for webhook subscription ${id}.`);
    if (outcome === 'paused') throw new ApiError('CONFLICT', 'This subscription is paused; resume it (POST /v1/webhooks/{id}/resume) before redelivering.');
    return c.json({ status: 'queued' as const }, 202);
  });
}
