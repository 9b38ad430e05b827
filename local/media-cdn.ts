import { Hono } from 'hono';
import type { StatusCode } from 'hono/utils/http-status';
import { listen } from './listen.ts';

/**
 * A local stand-in of WhatsApp's media servers (mmg.whatsapp.net): the playground socket uploads the
 * encrypted files a customer "sends" here, and the functions download them from here exactly as they
 * download from WhatsApp (local mode only: `MEDIA_CDN_URL` names it). Files live in memory. `port` 0
 * takes a free one (the bench names one, so that the functions can be told it before it starts).
 */
export async function startMediaCdn(port = 0) {
  const files = new Map<string, Uint8Array>();
  /** Every download, by path: a test can tell how often a file was fetched. */
  const downloads: string[] = [];
  /** Answers a test asked to fail with, one per download, before serving again (WhatsApp's servers fail for a moment too). */
  const failures: StatusCode[] = [];
  const app = new Hono().get('/v/*', (c) => {
    const file = files.get(c.req.path);
    downloads.push(c.req.path);
    const failure = failures.shift();
    if (failure !== undefined) return c.body(null, failure);
    if (!file) return c.body(null, 404);
    // WhatsApp serves the ciphertext as opaque bytes.
    return c.body(file as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(file.length) });
  });
  const server = await listen(app.fetch, port);
  return {
    url: server.url,
    files,
    downloads,
    /** The next downloads answer these HTTP statuses (e.g. [503] fails once), then files are served again. */
    failNext: (...statuses: StatusCode[]) => void failures.push(...statuses),
    /** Stores an encrypted file; the answer is what the message names, as WhatsApp's upload answers. */
    upload(file: Uint8Array): { url: string; directPath: string } {
      const id = crypto.randomUUID().replaceAll('-', '');
      const directPath = `/v/t62.7118-24/${id}.enc?ccb=11-4&oh=local&oe=00000000`;
      files.set(directPath.split('?')[0]!, file);
      return { url: `${server.url}${directPath}&mms3=true`, directPath };
    },
    close: () => server.close(),
  };
}

export type MediaCdn = Awaited<ReturnType<typeof startMediaCdn>>;
