import { Hono } from 'hono';
import { Webhook } from 'standardwebhooks';
import { listen } from '../local/listen.ts';
import type { PipelineStack } from './pipeline-stack.ts';

export type ReceivedWebhook<D = Record<string, unknown>> = { type: string; timestamp: string; data: D };

/**
 * An integrator's endpoint subscribed to `events` through the public API: every delivery is verified
 * with the `standardwebhooks` package exactly as an integrator would, and kept in `received`.
 */
export async function subscribeReceiver<D = Record<string, unknown>>(t: PipelineStack, events: string[]) {
  const received: ReceivedWebhook<D>[] = [];
  let secret = '';
  const app = new Hono().post('/hook', async (c) => {
    received.push(new Webhook(secret).verify(await c.req.text(), Object.fromEntries(c.req.raw.headers)) as ReceivedWebhook<D>);
    return c.body(null, 204);
  });
  const server = await listen(app.fetch);
  const res = await t.api('/v1/webhooks', { method: 'POST', body: JSON.stringify({ url: `${server.url}/hook`, events }) });
  if (res.status !== 201) throw new Error(`subscribing the test receiver failed: ${res.status} ${await res.text()}`);
  secret = ((await res.json()) as { secret: string }).secret;
  return { received, close: () => server.close() };
}
