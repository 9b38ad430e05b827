import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { guard } from '../auth.ts';
import type { V1Env } from '../env.ts';
import { errors, ok } from '../openapi.ts';
import { NOT_OPEN_NOTE, whatsappCommand, WHATSAPP_TAG, WhatsAppSessionParams } from './whatsapp-common.ts';

const Group = z
  .object({
    id: z.string().openapi({ example: '120363025246125888@g.us' }),
    subject: z.string().openapi({ description: 'The group’s name.', example: 'Clientes VIP' }),
    description: z.string().nullable(),
    owner: z.string().nullable().openapi({ description: 'Who created it (a phone chat id when WhatsApp tells it, else a LID).' }),
    size: z.int().openapi({ description: 'How many participants.', example: 12 }),
    createdAt: z.string().nullable().openapi({ format: 'date-time' }),
    announce: z.boolean().openapi({ description: 'Only admins may send messages.' }),
    restrict: z.boolean().openapi({ description: 'Only admins may change the group’s settings.' }),
    participants: z.array(
      z.object({
        id: z.string().openapi({ example: '123456789012345@lid' }),
        phoneNumber: z.string().nullable().openapi({ description: 'Their phone chat id when `id` is a LID and WhatsApp tells it.' }),
        admin: z.enum(['admin', 'superadmin']).nullable(),
      }),
    ),
  })
  .openapi('WhatsAppGroup');

export const listGroupsRoute = createRoute({
  method: 'get',
  path: '/v1/sessions/{id}/groups',
  operationId: 'listGroups',
  tags: [WHATSAPP_TAG],
  summary: 'The groups the number is in',
  description: `Asked of WhatsApp each time (Baileys \`groupFetchAllParticipating\`), sorted by name. ${NOT_OPEN_NOTE}`,
  ...guard(['conversations:read']),
  request: { params: WhatsAppSessionParams },
  responses: { 200: ok(z.object({ data: z.array(Group) }).openapi('WhatsAppGroupList'), 'The groups.'), ...errors(400, 403, 404, 409, 503) },
});

export function registerGroupRoutes(app: OpenAPIHono<V1Env>) {
  app.openapi(listGroupsRoute, async (c) => {
    const { data } = await whatsappCommand<{ data: z.infer<typeof Group>[] }>(c.get('services'), c.req.valid('param').id, '/groups');
    return c.json({ data }, 200);
  });
}
