import type { OpenAPIHono } from '@hono/zod-openapi';
import type { V1Env } from '../env.ts';
import { registerEditRoutes } from './whatsapp-edits.ts';
import { registerGroupRoutes } from './whatsapp-groups.ts';
import { registerLookupRoutes } from './whatsapp-lookup.ts';
import { registerPresenceRoutes } from './whatsapp-presence.ts';
import { registerProfileRoutes } from './whatsapp-profile.ts';
import { registerReactionRoutes } from './whatsapp-reactions.ts';
import { registerReadRoutes } from './whatsapp-read.ts';
import { registerShareRoutes } from './whatsapp-share.ts';

/**
 * The everyday WhatsApp calls integrators expect beside sending: read receipts, presence, reactions,
 * locations and contact cards, edits and deletes, number and profile lookups, groups. Each is a thin
 * signed command to the socket-host that holds the number (socket-host/commands.ts).
 */
export function registerWhatsAppRoutes(app: OpenAPIHono<V1Env>) {
  // Before any /v1/messages/{id} route: "location" and "contacts" are not message ids.
  registerShareRoutes(app);
  registerReactionRoutes(app);
  registerEditRoutes(app);
  registerReadRoutes(app);
  registerPresenceRoutes(app);
  registerLookupRoutes(app);
  registerProfileRoutes(app);
  registerGroupRoutes(app);
}
