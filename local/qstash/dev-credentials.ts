/**
 * The credentials of QStash's own local dev server (`npx @upstash/qstash-cli dev`), identical to
 * DEV_CREDENTIALS inside `@upstash/qstash`. Using the same values means product code configured
 * for the official dev server works against this stand-in unchanged, and vice versa.
 */
export const QSTASH_DEV_CREDENTIALS = {
  QSTASH_TOKEN: 'eyJVc2VySUQiOiJkZWZhdWx0VXNlciIsIlBhc3N3b3JkIjoiZGVmYXVsdFBhc3N3b3JkIn0=',
  QSTASH_CURRENT_SIGNING_KEY: 'sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r',
  QSTASH_NEXT_SIGNING_KEY: 'sig_5ZB6DVzB1wjE8S6rZ7eenA8Pdnhs',
} as const;
