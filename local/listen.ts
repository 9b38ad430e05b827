import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';

type FetchHandler = (request: Request) => Response | Promise<Response>;

export type Listening = { url: string; port: number; server: ServerType; close(): Promise<void> };

/**
 * Serves a fetch handler on 127.0.0.1 (port 0 = a free one); rejects if the port is taken, so the
 * caller can say so in a sentence instead of crashing on an unhandled 'error' event.
 */
export async function listen(fetch: FetchHandler, port = 0): Promise<Listening> {
  return await new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      server.off('error', reject);
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        port: info.port,
        server,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      });
    });
    server.once('error', reject);
  });
}
