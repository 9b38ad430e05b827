/** Test wiring: the stand-in served on a free port, the real SDK Client, and a recording destination. */
import { Client } from '@upstash/qstash';
import { listen } from '../../test-support/listen.ts';
import { QSTASH_DEV_CREDENTIALS } from '../../shared/config/qstash-dev-credentials.ts';
import { createQStashStandIn, type QStashStandIn, type QStashStandInOptions } from './index.ts';

export interface Received {
  method: string;
  url: string;
  headers: Headers;
  body: string;
  bytes: Uint8Array;
}

export type Respond = (request: Received, index: number) => Response | Promise<Response>;

export interface Harness {
  standIn: QStashStandIn;
  client: Client;
  baseUrl: string;
  /** Base URL of the recording destination server. */
  destination: string;
  received: Received[];
  close(): Promise<void>;
}

export async function startHarness(options: QStashStandInOptions & { respond?: Respond } = {}): Promise<Harness> {
  const { respond, ...standInOptions } = options;
  const received: Received[] = [];
  const destination = await listen(async (request) => {
    const bytes = new Uint8Array(await request.arrayBuffer());
    const entry = { method: request.method, url: request.url, headers: request.headers, body: new TextDecoder().decode(bytes), bytes };
    received.push(entry);
    return respond ? respond(entry, received.length - 1) : new Response('ok');
  });
  // Retries are fast unless a test wants otherwise.
  const standIn = createQStashStandIn({ retryDelayMs: () => 5, ...standInOptions });
  const server = await listen(standIn.app.fetch);
  const client = new Client({ baseUrl: server.url, token: QSTASH_DEV_CREDENTIALS.QSTASH_TOKEN, enableTelemetry: false });
  return {
    standIn,
    client,
    baseUrl: server.url,
    destination: destination.url,
    received,
    async close() {
      await server.close();
      await standIn.close();
      await destination.close();
    },
  };
}

/**
 * A destination handler that holds requests and records how many were open at once. Requests are
 * released a moment after `target` are open (that moment lets any excess requests arrive and be
 * counted), or after a fallback for a final batch smaller than `target`.
 */
export function concurrencyProbe(target: number) {
  let open = 0;
  let peak = 0;
  let waiting: (() => void)[] = [];
  let releasing: NodeJS.Timeout | undefined;
  const release = () => {
    clearTimeout(releasing);
    releasing = undefined;
    const all = waiting;
    waiting = [];
    for (const resolve of all) resolve();
  };
  const respond: Respond = async () => {
    open += 1;
    peak = Math.max(peak, open);
    const held = new Promise<void>((resolve) => waiting.push(resolve));
    releasing ??= setTimeout(release, open >= target ? 50 : 300);
    if (open >= target) {
      clearTimeout(releasing);
      releasing = setTimeout(release, 50);
    }
    await held;
    open -= 1;
    return new Response('ok');
  };
  return { respond, peak: () => peak };
}
