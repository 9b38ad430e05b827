/**
 * QStash's own dev-server credentials (`npx @upstash/qstash-cli dev`; also DEV_CREDENTIALS inside
 * `@upstash/qstash`). Public: the local stand-in signs with them by default; cloud mode refuses them.
 */
export const QSTASH_DEV_CREDENTIALS = {
  QSTASH_TOKEN: 'eyJVc2VySUQiOiJkZWZhdWx0VXNlciIsIlBhc3N3b3JkIjoiZGVmYXVsdFBhc3N3b3JkIn0=',
  QSTASH_CURRENT_SIGNING_KEY: 'sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r',
  QSTASH_NEXT_SIGNING_KEY: 'sig_5ZB6DVzB1wjE8S6rZ7eenA8Pdnhs',
} as const;
