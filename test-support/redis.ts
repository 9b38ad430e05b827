/** The real Redis the tests run against (services mode). */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test shares, so parallel test files never collide in the one Redis. */
export function uniquePrefix(label = 't'): string {
  return `${label}:${Date.now().toString(36)}:${Math.random().toString(36).slice(2, 8)}:`;
}
