import type { Context } from 'hono';
import { z } from 'zod';
import type { HonoEnv } from '../hono-env.ts';
import { attemptDelivery } from './deliver.ts';

type HookEnv = HonoEnv & { Variables: { rawBody: string } };

const job = z.object({ deliveryId: z.string().regex(/^msg_[0-9a-f]{32}$/) });

/**
 * POST /hooks/webhook-delivery (QStash-signed): one attempt of one delivery. 2xx once it is delivered
 * (or has nowhere to go, or its subscriber is paused), 5xx when the subscriber failed so that QStash
 * retries it; after the last retry QStash keeps it in its dead-letter list. A body that can never work is answered 489.
 */
export async function webhookDeliveryHook(c: Context<HookEnv>): Promise<Response> {
  let parsed: z.infer<typeof job> | undefined;
  try {
    parsed = job.parse(JSON.parse(c.get('rawBody')));
  } catch {
    c.get('log').warn('undecodable webhook delivery job, sent to the dead-letter list');
    return c.json(
      { error: { code: 'UNDECODABLE', message: 'Expected {"deliveryId": "msg_…"}.', requestId: c.get('requestId') } },
      489 as 400,
      { 'Upstash-NonRetryable-Error': 'true' },
    );
  }
  const retried = Number(c.req.header('upstash-retried') ?? '0');
  const outcome = await attemptDelivery(c.get('services'), parsed.deliveryId, Number.isInteger(retried) && retried >= 0 ? retried : 0);
  c.get('log').debug({ deliveryId: parsed.deliveryId, outcome }, 'webhook delivery');
  if (outcome === 'retry' || outcome === 'failed') return c.json({ outcome }, 502);
  return c.json({ outcome });
}
