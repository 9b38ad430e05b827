import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { newApp } from './app.ts';
import type { Services } from './services.ts';

/** Serves the functions app on Node (the local stack and the tests): the same app Workers runs. */
export async function startFunctions(options: { services: Services; port: number; hostname?: string }) {
  const app = newApp({ services: options.services });
  return await new Promise<{ url: string; port: number; stop(): Promise<void> }>((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port, hostname: options.hostname ?? '127.0.0.1' }, (info: AddressInfo) =>
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        port: info.port,
        stop: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      }),
    );
    server.once('error', reject);
  });
}
