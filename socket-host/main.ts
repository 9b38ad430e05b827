/**
 * The socket-host process (`npm run socket-host`, the Docker image's CMD): validates the environment,
 * starts the host, and stops it cleanly on SIGINT/SIGTERM so the lease is freed for the next deploy.
 */
import { loadSocketHostConfig, NEEDED_WHEN_ALONE } from '../shared/config/socket-host-config.ts';
import { ConfigError } from '../shared/config/parse-env.ts';
import { readStatusEvents, startSocketHost } from './host.ts';
import { closeSocketHostSentry, initSocketHostSentry } from './sentry.ts';

async function main(): Promise<void> {
  // Alone: the local defaults name `npm run dev`'s stand-ins, which are not running here.
  const config = loadSocketHostConfig(process.env, { alone: true });
  // Before anything else runs, so that an error while starting is reported too.
  await initSocketHostSentry(config.SENTRY_DSN);
  const host = await startSocketHost({ config, statusEvents: readStatusEvents(config, process.env) });
  console.log(`socket-host listening on port ${host.port}; sessions: ${[...host.sessions.keys()].join(', ')}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping the socket-host…`);
    host
      .stop()
      .then(() => closeSocketHostSentry())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          console.error(`socket-host: stop failed: ${err instanceof Error ? err.message : String(err)}`);
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  // One sentence a person can act on; no stack trace for configuration mistakes.
  if (err instanceof ConfigError) console.error(`socket-host: ${err.message}${aloneHint(err)}`);
  else if ((err as { code?: string })?.code === 'EADDRINUSE') console.error('socket-host: the port is already in use; set SOCKET_HOST_PORT (or PORT in the cloud).');
  else console.error(`socket-host: could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

/** Said when a variable only `npm run dev` would have filled in is missing. */
function aloneHint(err: ConfigError): string {
  const missing = err.problems.some((p) => NEEDED_WHEN_ALONE.some((name) => p === `${name} is required`));
  return missing ? ' Run alone, the socket-host needs a deployment\'s database, QStash and functions URL (`npm run dev` starts one with local stand-ins).' : '';
}
