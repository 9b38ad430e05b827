import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { ApiError } from '../../errors.ts';
import type { WebhookEventType } from '../../webhooks/events.ts';
import { createSubscription, deleteSubscription, listSubscriptions, MAX_SUBSCRIPTIONS } from '../../webhooks/subscriptions.ts';
import { webhookUrlProblem } from '../../webhooks/webhook-url.ts';
import { guard } from '../auth.ts';
import type { V1Env } from '../env.ts';
import { errors, jsonBody, noContent, ok } from '../openapi.ts';
import { CreateWebhookBody, IdParams, WebhookCreated, WebhookList } from '../schemas.ts';

export const createWebhookRoute = createRoute({
  method: 'post',
  path: '/v1/webhooks',
  operationId: 'createWebhook',
  tags: ['Webhooks'],
  summary: 'Subscribe a URL to events',
  description:
    'Answers the signing secret once. Deliveries follow Standard Webhooks (webhook-id, webhook-timestamp, ' +
    'webhook-signature) and are retried; see docs/webhooks.md. In the cloud the URL must be public https.',
  ...guard(['webhooks:write']),
  request: { body: jsonBody(CreateWebhookBody) },
  responses: { 201: ok(WebhookCreated, 'Subscribed; keep the secret.'), ...errors(400, 403, 409, 413, 415) },
});

export const listWebhooksRoute = createRoute({
  method: 'get',
  path: '/v1/webhooks',
  operationId: 'listWebhooks',
  tags: ['Webhooks'],
  summary: 'List webhook subscriptions',
  ...guard(['webhooks:write']),
  responses: { 200: ok(WebhookList, 'Active subscriptions (without secrets).'), ...errors(403) },
});

export const deleteWebhookRoute = createRoute({
  method: 'delete',
  path: '/v1/webhooks/{id}',
  operationId: 'deleteWebhook',
  tags: ['Webhooks'],
  summary: 'Unsubscribe',
  description: 'Deliveries still pending for it are dropped.',
  ...guard(['webhooks:write']),
  request: { params: IdParams },
  responses: { 204: noContent, ...errors(400, 403, 404) },
});

export function registerWebhookRoutes(app: OpenAPIHono<V1Env>) {
  app.openapi(createWebhookRoute, async (c) => {
    const s = c.get('services');
    const input = c.req.valid('json');
    const problem = webhookUrlProblem(input.url, s.config.MODE);
    if (problem) throw new ApiError('VALIDATION_FAILED', `url: ${problem}`, {}, [{ field: 'url', message: problem }]);
    const created = await createSubscription(s, { url: input.url, events: input.events as WebhookEventType[] });
    if (!created) throw new ApiError('CONFLICT', `At most ${MAX_SUBSCRIPTIONS} webhook subscriptions; delete one first.`);
    const { row, secret } = created;
    return c.json({ id: row.id, url: row.url, events: row.events as WebhookEventType[], createdAt: row.createdAt.toISOString(), secret }, 201);
  });

  app.openapi(listWebhooksRoute, async (c) => {
    const rows = await listSubscriptions(c.get('services').db);
    const data = rows.map((r) => ({ id: r.id, url: r.url, events: r.events as WebhookEventType[], createdAt: r.createdAt.toISOString() }));
    return c.json({ data }, 200);
  });

  app.openapi(deleteWebhookRoute, async (c) => {
    const { id } = c.req.valid('param');
    if (!(await deleteSubscription(c.get('services').db, id))) throw new ApiError('NOT_FOUND', `No webhook subscription with id ${id}.`);
    return c.body(null, 204);
  });
}
