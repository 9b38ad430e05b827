import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { WEBHOOK_EVENT_DATA, WEBHOOK_EVENTS } from '../webhooks/events.ts';
import type { V1Env } from './env.ts';
import { jsonBody } from './openapi.ts';

const DESCRIPTION =
  'The public API of ia_agent, a WhatsApp AI agent: send messages, read conversations, take over from the agent, ' +
  'change its settings, subscribe to signed webhooks and manage API keys. Every operation needs ' +
  '`Authorization: Bearer <key>`; errors are `{"error": {"code", "message", "requestId"}}`. ' +
  'Guide: docs/api.md and docs/webhooks.md in the repository.';

const TAGS = [
  { name: 'Messages', description: 'Send WhatsApp messages.' },
  { name: 'Conversations', description: 'Read conversations and messages; human takeover.' },
  { name: 'Agent', description: 'The AI agent’s instructions, model settings, rules and fallback text.' },
  { name: 'Knowledge', description: 'The business’s documents the agent answers from, and the search that finds their passages.' },
  { name: 'Webhooks', description: 'Signed event deliveries (Standard Webhooks).' },
  { name: 'Keys', description: 'Scoped API keys.' },
  { name: 'Sessions', description: 'The linked WhatsApp numbers: link state, QR code, pairing code.' },
  { name: 'WhatsApp', description: 'The everyday WhatsApp calls beside sending: read receipts, typing, reactions, locations and contact cards, edits and deletes, number, profile and group lookups.' },
  { name: 'Usage', description: 'What this deployment costs upstream, per day and per message, against the free tiers.' },
  { name: 'Alerts', description: 'The conditions the team is alerted to (ALERT_WEBHOOK_URL), open and recently resolved.' },
];

/** The security scheme and the webhook events: the parts of the document that are not routes. */
export function registerDocumentParts(app: OpenAPIHono<V1Env>) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key (`iak_…`) with the scopes the operation lists.',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'webhookSignature', {
    type: 'apiKey',
    in: 'header',
    name: 'webhook-signature',
    description: 'Standard Webhooks signature made with the subscription’s `whsec_…` secret; verify it before trusting the body.',
  });
  const headers = z.object({
    'webhook-id': z.string().openapi({ description: 'The delivery id; the same on every retry.' }),
    'webhook-timestamp': z.string().openapi({ description: 'Unix seconds of this attempt.' }),
    'webhook-signature': z.string().openapi({ description: '`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`.' }),
  });
  for (const type of WEBHOOK_EVENTS) {
    const name = type.replace(/(^|\.)([a-z])/g, (_, __: string, ch: string) => ch.toUpperCase());
    app.openAPIRegistry.registerWebhook({
      method: 'post',
      path: type,
      operationId: `on${name}`,
      tags: ['Webhooks'],
      summary: `${type} event`,
      security: [{ webhookSignature: [] }],
      description: WEBHOOK_EVENT_DATA[type].description,
      request: {
        headers,
        body: jsonBody(
          z.object({ type: z.literal(type), timestamp: z.iso.datetime(), data: WEBHOOK_EVENT_DATA[type] }).openapi(`${name}Event`),
        ),
      },
      responses: { 200: { description: 'Any 2xx acknowledges the delivery; anything else is retried.' } },
    });
  }
}

type Document = ReturnType<OpenAPIHono<V1Env>['getOpenAPI31Document']>;
const documents = new WeakMap<object, Document>();

/** Generated once per app; only `servers` follows the request, so the document names where it was fetched. */
export function openApiDocument(app: OpenAPIHono<V1Env>, origin: string): Document {
  let doc = documents.get(app);
  if (!doc) {
    doc = app.getOpenAPI31Document({
      openapi: '3.1.0',
      info: { title: 'ia_agent API', version: '1.0.0', description: DESCRIPTION, license: { name: 'MIT', url: 'https://opensource.org/license/mit' } },
      tags: TAGS,
    });
    documents.set(app, doc);
  }
  return { ...doc, servers: [{ url: origin, description: 'This deployment' }] };
}
