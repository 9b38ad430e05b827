import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { guard } from '../auth.ts';
import type { V1Env } from '../env.ts';
import { errors, ok } from '../openapi.ts';
import { NOT_OPEN_NOTE, whatsappCommand, WHATSAPP_TAG, WhatsAppSessionParams } from './whatsapp-common.ts';

const NumberParams = WhatsAppSessionParams.extend({
  phone: z
    .string()
    .regex(/^\+?\d{6,15}$/, 'must be a phone number in international format (digits, optional +)')
    .openapi({ param: { name: 'phone', in: 'path' }, example: '+5511987654321' }),
});

const NumberOnWhatsApp = z
  .object({
    phone: z.string().openapi({ description: 'The number asked about, digits only.', example: '5511987654321' }),
    exists: z.boolean().openapi({ description: 'Whether the number has a WhatsApp account.' }),
    jid: z.string().nullable().openapi({ description: 'Its phone chat id, when it exists.', example: '5511987654321@s.whatsapp.net' }),
    lid: z.string().nullable().openapi({
      description: 'Its LID (`…@lid`), the id WhatsApp increasingly gives customers instead of their number; null when WhatsApp does not tell it.',
      example: '123456789012345@lid',
    }),
  })
  .openapi('NumberOnWhatsApp');

export const lookupNumberRoute = createRoute({
  method: 'get',
  path: '/v1/sessions/{id}/numbers/{phone}',
  operationId: 'lookupNumber',
  tags: [WHATSAPP_TAG],
  summary: 'Whether a phone number is on WhatsApp, and its LID',
  description: `Asks WhatsApp through the linked number (Baileys \`onWhatsApp\`, then the LID mapping \`getLIDForPN\`). ${NOT_OPEN_NOTE}`,
  ...guard(['conversations:read']),
  request: { params: NumberParams },
  responses: { 200: ok(NumberOnWhatsApp, 'What WhatsApp says about the number.'), ...errors(400, 403, 404, 409, 503) },
});

export function registerLookupRoutes(app: OpenAPIHono<V1Env>) {
  app.openapi(lookupNumberRoute, async (c) => {
    const { id, phone } = c.req.valid('param');
    const { data } = await whatsappCommand<{ data: z.infer<typeof NumberOnWhatsApp>[] }>(c.get('services'), id, '/on-whatsapp', { phones: [phone.replace(/^\+/, '')] });
    return c.json(data[0]!, 200);
  });
}
