import { QSTASH_DEV_CREDENTIALS } from './qstash-dev-credentials.ts';

/** Where `npm run dev` serves its stand-ins for QStash, Upstash Redis and Neon's HTTP endpoint. */
export const LOCAL_SERVICES_PORT = 8789;
const services = `http://127.0.0.1:${LOCAL_SERVICES_PORT}`;

/**
 * The local embedded defaults of CONTRACT.md. Cloud mode never uses these: its schema requires every
 * value and refuses QStash's public dev keys.
 */
export const LOCAL_DEFAULTS = {
  DATABASE_URL: 'postgres://ia_agent:local@127.0.0.1/ia_agent',
  DATABASE_HTTP_URL: `${services}/sql`,
  UPSTASH_REDIS_REST_URL: `${services}/redis`,
  UPSTASH_REDIS_REST_TOKEN: 'local-redis-token',
  QSTASH_URL: services,
  QSTASH_TOKEN: QSTASH_DEV_CREDENTIALS.QSTASH_TOKEN,
  QSTASH_CURRENT_SIGNING_KEY: QSTASH_DEV_CREDENTIALS.QSTASH_CURRENT_SIGNING_KEY,
  QSTASH_NEXT_SIGNING_KEY: QSTASH_DEV_CREDENTIALS.QSTASH_NEXT_SIGNING_KEY,
  PUBLIC_URL: 'http://127.0.0.1:8787',
  SOCKET_HOST_URL: 'http://127.0.0.1:8788',
} as const;
