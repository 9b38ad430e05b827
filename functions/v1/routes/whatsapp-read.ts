import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { ApiError } from '../../errors.ts';
import { MAX_RECEIPTS, sendReadReceipts, unreadKeys } from '../../outbound/read-receipts.ts';
import { guard } from '../auth.ts';
import type { V1Env } from '../env.ts';
import { errors, ok } from '../openapi.ts';
import { IdParams } from '../schemas.ts';
import { conversationOr404, NOT_OPEN_NOTE, WHATSAPP_TAG } from './whatsapp-common.ts';

export const markReadRoute = createRoute({
  method: 'post',
  path: '/v1/conversations/{id}/read',
  operationId: 'markConversationRead',
  tags: [WHATSAPP_TAG],
  summary: 'Mark a conversation read (blue ticks)',
  description:
    'Sends WhatsApp read receipts (Baileys `readMessages`) for the customer’s messages newer than the latest answer they got ' +
    `(at most ${MAX_RECEIPTS}), or for the customer’s latest message when nothing came after it. \`read\` is how many. ` +
    'The agent can do this by itself as it answers: `markReadOnReply` in PUT /v1/agent. ' +
    NOT_OPEN_NOTE,
  ...guard(['messages:write']),
  request: { params: IdParams },
  responses: {
    200: ok(z.object({ read: z.int().openapi({ description: 'Messages a read receipt was sent for.', example: 2 }) }).openapi('ReadReceipts'), 'Read receipts sent.'),
    ...errors(400, 403, 404, 409, 503),
  },
});

export function registerReadRoutes(app: OpenAPIHono<V1Env>) {
  app.openapi(markReadRoute, async (c) => {
    const s = c.get('services');
    const conversation = await conversationOr404(s, c.req.valid('param').id);
    // A group member's message is named by its author too, which is not stored: no receipt would match.
    if (conversation.contactJid.endsWith('@g.us')) throw new ApiError('CONFLICT', 'Read receipts are supported in direct chats only, not in groups.');
    const read = await sendReadReceipts(s, conversation.sessionId, await unreadKeys(s.db, conversation));
    return c.json({ read }, 200);
  });
}
