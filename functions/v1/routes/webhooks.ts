import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { ApiError } from '../../errors.ts';
import type { WebhookEventType } from '../../webhooks/events.ts';
import { onSubscriberBack } from '../../alerts/subscriber.ts';
import { resumeSubscription } from '../../webhooks/pause.ts';
import {
  createSubscription,
  deleteSubscription,
  getSubscription,
  listSubscriptions,
  MAX_SUBSCRIPTIONS,
  type ListedSubscription,
} from '../../webhooks/subscriptions.ts';
import { webhookUrlProblem } from '../../webhooks/webhook-url.ts';
import { guard } from '../auth.ts';
import type { V1Env } from '../env.ts';
import { errors, jsonBody, noContent, ok } from '../openapi.ts';
import { CreateWebhookBody, IdParams, WebhookCreated, WebhookList, WebhookSchema } from '../schemas.ts';

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
  description: 'Every subscription (without its secret), with its state: a paused one says when and why.',
  ...guard(['webhooks:write']),
  responses: { 200: ok(WebhookList, 'Subscriptions, oldest first.'), ...errors(403) },
});

export const resumeWebhookRoute = createRoute({
  method: 'post',
  path: '/v1/webhooks/{id}/resume',
  operationId: 'resumeWebhook',
  tags: ['Webhooks'],
  summary: 'Re-enable a paused subscription',
  description:
    'A subscriber that kept failing is paused (see `pausedReason`); fix it, then call this: new events are sent ' +
    'to it again, with a fresh failure count. Events skipped while it was paused are not re-sent. ' +
    'Resuming an active subscription changes nothing.',
  ...guard(['webhooks:write']),
  request: { params: IdParams },
  responses: { 200: ok(WebhookSchema, 'The subscription, active.'), ...errors(400, 403, 404) },
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

function view(r: ListedSubscription) {
  return {
    id: r.id,
    url: r.url,
    events: r.events as WebhookEventType[],
    createdAt: r.createdAt.toISOString(),
    state: r.pausedAt ? ('paused' as const) : ('active' as const),
    pausedAt: r.pausedAt?.toISOString() ?? null,
    pausedReason: r.pausedReason,
    consecutiveFailures: r.consecutiveFailures,
    failingSince: r.failingSince?.toISOString() ?? null,
  };
}

export function registerWebhookRoutes(app: OpenAPIHono<V1Env>) {
  app.openapi(createWebhookRoute, async (c) => {
    const s = c.get('services');
    const input = c.req.valid('json');
    const problem = webhookUrlProblem(input.url, s.config.MODE);
    if (problem) throw new ApiError('VALIDATION_FAILED', `url: ${problem}`, {}, [{ field: 'url', message: problem }]);
    const created = await createSubscription(s, { url: input.url, events: input.events as WebhookEventType[] });
    if (!created) throw new ApiError('CONFLICT', `At most ${MAX_SUBSCRIPTIONS} webhook subscriptions; delete one first.`);
    const { row, secret } = created;
    return c.json({ ...view(row), secret }, 201);
  });

  app.openapi(listWebhooksRoute, async (c) => {
    const rows = await listSubscriptions(c.get('services').db);
    return c.json({ data: rows.map(view) }, 200);
  });

  app.openapi(resumeWebhookRoute, async (c) => {
    const s = c.get('services');
    const { id } = c.req.valid('param');
    const found = await getSubscription(s.db, id);
    if (!found) throw new ApiError('NOT_FOUND', `No webhook subscription with id ${id}.`);
    // Paused because its URL may not be used here: resuming would only pause it again.
    const problem = webhookUrlProblem(found.url, s.config.MODE);
    if (problem) throw new ApiError('VALIDATION_FAILED', `url: ${problem}; delete this subscription and subscribe another URL`, {}, [{ field: 'url', message: problem }]);
    if (found.pausedAt) await resumeSubscription(s, id);
    const resumed = await getSubscription(s.db, id);
    if (!resumed) throw new ApiError('NOT_FOUND', `No webhook subscription with id ${id}.`);
    return c.json(view(resumed), 200);
  });

  app.openapi(deleteWebhookRoute, async (c) => {
    const { id } = c.req.valid('param');
    if (!(await deleteSubscription(c.get('services').db, id))) throw new ApiError('NOT_FOUND', `No webhook subscription with id ${id}.`);
    await onSubscriberBack(c.get('services'), id);
    return c.body(null, 204);
  });
}
