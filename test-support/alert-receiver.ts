import { Hono } from 'hono';
import { listen } from '../local/listen.ts';

/**
 * A Slack-style incoming webhook on 127.0.0.1 (`POST {url}` with `{"text": …}`): what the alerts said,
 * in order, for ALERT_WEBHOOK_URL.
 */
export async function startAlertReceiver() {
  const said: string[] = [];
  const server = await listen(
    new Hono().post('/alert', async (c) => {
      said.push(((await c.req.json()) as { text: string }).text);
      return c.text('ok');
    }).fetch,
  );
  return {
    url: `${server.url}/alert`,
    said,
    /** What was said that matches `words`. */
    about: (words: RegExp) => said.filter((text) => words.test(text)),
    close: () => server.close(),
  };
}

export type AlertReceiver = Awaited<ReturnType<typeof startAlertReceiver>>;
