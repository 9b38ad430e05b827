import { gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { listen } from '../local/listen.ts';

export type EnvelopeItem = { header: { type: string; length?: number } & Record<string, unknown>; payload: unknown };
export type Envelope = { projectId: string; header: Record<string, unknown>; items: EnvelopeItem[]; raw: string };

/**
 * Sentry's ingestion endpoint as the SDKs use it: `POST /api/<project>/envelope/` with an envelope (a
 * header line, then per item a header line and a payload, its length given or up to the next newline;
 * gzipped when the SDK chose to). Every envelope is parsed and kept, raw text included, so a test can
 * also look for what must never be sent anywhere in it.
 */
export async function startFakeSentry(projectId = '4242') {
  const envelopes: Envelope[] = [];
  const app = new Hono().post('/api/:project/envelope/', async (c) => {
    let bytes = Buffer.from(await c.req.arrayBuffer());
    if (c.req.header('content-encoding') === 'gzip') bytes = gunzipSync(bytes);
    envelopes.push({ projectId: c.req.param('project'), ...parseEnvelope(bytes) });
    return c.json({ id: 'accepted' });
  });
  const server = await listen(app.fetch);
  const { port } = server;
  return {
    /** A DSN naming this server: `http://<public key>@127.0.0.1:<port>/<project>`. */
    dsn: `http://publickey@127.0.0.1:${port}/${projectId}`,
    envelopes,
    /** The error events received, whatever envelope carried them. */
    events(): Record<string, unknown>[] {
      return envelopes.flatMap((e) => e.items.filter((i) => i.header.type === 'event').map((i) => i.payload as Record<string, unknown>));
    },
    close: () => server.close(),
  };
}

export type FakeSentry = Awaited<ReturnType<typeof startFakeSentry>>;

export function parseEnvelope(bytes: Buffer): Omit<Envelope, 'projectId'> {
  let at = 0;
  const line = (): Buffer => {
    const end = bytes.indexOf(0x0a, at);
    const slice = bytes.subarray(at, end === -1 ? bytes.length : end);
    at = end === -1 ? bytes.length : end + 1;
    return slice;
  };
  const header = JSON.parse(line().toString('utf8')) as Record<string, unknown>;
  const items: EnvelopeItem[] = [];
  while (at < bytes.length) {
    const headerLine = line();
    if (headerLine.length === 0) continue;
    const itemHeader = JSON.parse(headerLine.toString('utf8')) as EnvelopeItem['header'];
    let payload: Buffer;
    if (typeof itemHeader.length === 'number') {
      payload = bytes.subarray(at, at + itemHeader.length);
      at += itemHeader.length;
      if (bytes[at] === 0x0a) at += 1;
    } else {
      payload = line();
    }
    const text = payload.toString('utf8');
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // An attachment's bytes: kept as text.
    }
    items.push({ header: itemHeader, payload: parsed });
  }
  return { header, items, raw: bytes.toString('utf8') };
}
