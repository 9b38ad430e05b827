import { QSTASH_DEV_CREDENTIALS } from './qstash-dev-credentials.ts';

/** Where `npm run dev` serves its stand-ins for QStash, Upstash Redis and Neon's HTTP endpoint. */
export const LOCAL_SERVICES_PORT = 8789;

/** The Redis stand-in's token: any value works, as long as the stand-in and the clients agree. */
export const STAND_IN_REDIS_TOKEN = 'local-redis-token';

/**
 * The product's environment when its services are the local stand-ins served on `ports.services`:
 * the database URL names the stand-in itself, and every client is pointed at its endpoint.
 */
export function standInEnv(ports: { services: number; functions: number; socketHost: number }) {
  const services = `http://127.0.0.1:${ports.services}`;
  return {
    MODE: 'local',
    LOG_LEVEL: 'silent',
    DATABASE_URL: `postgres://ia_agent:local@127.0.0.1:${ports.services}/ia_agent`,
    DATABASE_HTTP_URL: `${services}/sql`,
    UPSTASH_REDIS_REST_URL: `${services}/redis`,
    UPSTASH_REDIS_REST_TOKEN: STAND_IN_REDIS_TOKEN,
    QSTASH_URL: services,
    PUBLIC_URL: `http://127.0.0.1:${ports.functions}`,
    SOCKET_HOST_URL: `http://127.0.0.1:${ports.socketHost}`,
    SOCKET_HOST_PORT: String(ports.socketHost),
  };
}

/**
 * The local embedded defaults of CONTRACT.md (the ports `npm run dev` uses). Cloud mode never uses
 * these: its schema requires every value and refuses QStash's public dev keys.
 */
export const LOCAL_DEFAULTS = {
  ...standInEnv({ services: LOCAL_SERVICES_PORT, functions: 8787, socketHost: 8788 }),
  ...QSTASH_DEV_CREDENTIALS,
};
