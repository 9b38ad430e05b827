import { listen } from '../local/listen.ts';
import { newApp } from './app.ts';
import type { Services } from './services.ts';

/** Serves the functions app on Node (the local stack and the tests): the same app Workers runs. */
export async function startFunctions(options: { services: Services; port: number }) {
  const server = await listen(newApp({ services: options.services }).fetch, options.port);
  return {
    url: server.url,
    port: server.port,
    async stop() {
      await server.close();
      // The last few seconds of usage counts are written before the process goes.
      await options.services.usage.flushNow(options.services.db).catch(() => {});
    },
  };
}
