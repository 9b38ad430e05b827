import { Hono } from 'hono';
import { listen } from './listen.ts';

/**
 * A local stand-in of WhatsApp's media servers (mmg.whatsapp.net): the playground socket uploads the
 * encrypted files a customer "sends" here, and the functions download them from here exactly as they
 * download from WhatsApp (local mode only: `MEDIA_CDN_URL` names it). Files live in memory.
 */
export async function startMediaCdn() {
  const files = new Map<string, Uint8Array>();
  /** Every download, by path: a test can tell how often a file was fetched. */
  const downloads: string[] = [];
  const app = new Hono().get('/v/*', (c) => {
    const file = files.get(c.req.path);
    downloads.push(c.req.path);
    if (!file) return c.body(null, 404);
    // WhatsApp serves the ciphertext as opaque bytes.
    return c.body(file as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(file.length) });
  });
  const server = await listen(app.fetch);
  return {
    url: server.url,
    files,
    downloads,
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
