import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';

type FetchHandler = (request: Request) => Response | Promise<Response>;

/** Serves a fetch handler on 127.0.0.1 at a free port; returns its base URL and a close function. */
export async function listen(
  fetch: FetchHandler,
  port = 0,
): Promise<{ url: string; port: number; server: ServerType; close(): Promise<void> }> {
  return await new Promise((resolve) => {
    const server = serve({ fetch, port, hostname: '127.0.0.1' }, (info: AddressInfo) => {
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
  });
}
