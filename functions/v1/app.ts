import { OpenAPIHono } from '@hono/zod-openapi';
import { cors } from 'hono/cors';
import type { V1Env } from './env.ts';
import { authenticate } from './auth.ts';
import { openApiDocument, registerDocumentParts } from './document.ts';
import { limitPerKey } from './rate-limit.ts';
import { registerAgentRoutes } from './routes/agent.ts';
import { registerAlertRoutes } from './routes/alerts.ts';
import { registerContactRoutes } from './routes/contacts.ts';
import { registerConversationRoutes } from './routes/conversations.ts';
import { registerKeyRoutes } from './routes/keys.ts';
import { registerKnowledgeRoutes } from './routes/knowledge.ts';
import { registerMediaRoutes } from './routes/media.ts';
import { registerHumanReplyRoutes } from './routes/human-reply.ts';
import { registerMessageRoutes } from './routes/messages.ts';
import { registerWebhookDeliveryRoutes } from './routes/webhook-deliveries.ts';
import { registerSessionRoutes } from './routes/sessions.ts';
import { registerUsageRoutes } from './routes/usage.ts';
import { registerWebhookRoutes } from './routes/webhooks.ts';
import { registerWhatsAppRoutes } from './routes/whatsapp-routes.ts';
import { validationHook } from './validation.ts';

/** Where /v1/docs sends a browser: the console's static API reference, free on Workers. */
export const DOCS_PAGE = '/console/docs';

/** Paths under /v1 anyone may read: the description of the API itself. */
export const PUBLIC_V1_PATHS = ['/v1/openapi.json', '/v1/docs'] as const;

/**
 * The public API. Order matters: CORS first (a preflight carries no key), then the two public
 * documents, then the key and its rate limit for everything else, then the routes with their scopes.
 */
export function newV1App() {
  const v1 = new OpenAPIHono<V1Env>({ defaultHook: validationHook });

  v1.use(
    '/v1/*',
    cors({
      origin: (origin, c) => (c.get('services').config.CORS_ORIGINS.includes(origin) ? origin : null),
      allowMethods: ['GET', 'POST', 'PUT', 'DELETE'],
      allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key'],
      exposeHeaders: ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Retry-After', 'X-Request-Id', 'Idempotent-Replayed'],
      maxAge: 600,
    }),
  );

  v1.get('/v1/openapi.json', (c) => c.json(openApiDocument(v1, new URL(c.req.url).origin)));
  // The interactive reference is a static page of the console (Swagger UI reading /v1/openapi.json).
  v1.get('/v1/docs', (c) => c.redirect(DOCS_PAGE, 302));

  v1.use('/v1/*', authenticate, limitPerKey);

  registerDocumentParts(v1);
  registerMessageRoutes(v1);
  registerConversationRoutes(v1);
  registerContactRoutes(v1);
  registerHumanReplyRoutes(v1);
  registerWebhookDeliveryRoutes(v1);
  registerMediaRoutes(v1);
  registerAgentRoutes(v1);
  registerKnowledgeRoutes(v1);
  registerWebhookRoutes(v1);
  registerKeyRoutes(v1);
  registerUsageRoutes(v1);
  registerAlertRoutes(v1);
  registerSessionRoutes(v1);
  registerWhatsAppRoutes(v1);
  return v1;
}
