/**
 * The socket-host process (`npm run socket-host`, the Docker image's CMD): validates the environment,
 * starts the host, and stops it cleanly on SIGINT/SIGTERM so the lease is freed for the next deploy.
 */
import { loadSocketHostConfig } from '../shared/config/socket-host-config.ts';
import { ConfigError } from '../shared/config/parse-env.ts';
import { readStatusEvents, startSocketHost } from './host.ts';

async function main(): Promise<void> {
  const config = loadSocketHostConfig(process.env);
  const host = await startSocketHost({ config, statusEvents: readStatusEvents(config, process.env) });
  console.log(`socket-host listening on port ${host.port}; sessions: ${[...host.sessions.keys()].join(', ')}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping the socket-host…`);
    host.stop().then(
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
  if (err instanceof ConfigError) console.error(`socket-host: ${err.message}`);
  else if ((err as { code?: string })?.code === 'EADDRINUSE') console.error('socket-host: the port is already in use; set SOCKET_HOST_PORT (or PORT in the cloud).');
  else console.error(`socket-host: could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
