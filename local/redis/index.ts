/** The Upstash-Redis-REST stand-in, as the local services app mounts it (at /redis). */
export { createRedisStandIn, type RedisStandIn, type RedisStandInOptions } from './stand-in.ts';
