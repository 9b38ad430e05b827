import { withConsoleFiles } from '../local/console-files.ts';
import { listen } from '../local/listen.ts';
import { newApp } from './app.ts';
import type { Services } from './services.ts';

/** Serves the functions app on Node (the local stack and the tests): the same app Workers runs. */
export async function startFunctions(options: { services: Services; port: number; console?: boolean }) {
  const app = newApp({ services: options.services });
  // The console's static files: on Workers the platform serves them; on Node this server does.
  const server = await listen(options.console ? withConsoleFiles(app.fetch) : app.fetch, options.port);
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
