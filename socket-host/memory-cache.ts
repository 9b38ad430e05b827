import type { CacheStore } from '@whiskeysockets/baileys';

/**
 * A small TTL map in Baileys' CacheStore shape, for the message retry counters. It lives on the
 * session, not the socket, so counts survive reconnects (Baileys' example warns that a per-socket
 * counter lets a decryption retry loop run forever across restarts).
 */
export function createMemoryCache(ttlMs = 60 * 60_000, maxEntries = 10_000): CacheStore {
  const entries = new Map<string, { value: unknown; expires: number }>();
  return {
    get<T>(key: string): T | undefined {
      const hit = entries.get(key);
      if (!hit) return undefined;
      if (hit.expires <= Date.now()) {
        entries.delete(key);
        return undefined;
      }
      return hit.value as T;
    },
    set<T>(key: string, value: T) {
      entries.delete(key);
      entries.set(key, { value, expires: Date.now() + ttlMs });
      // Oldest first out: Map keeps insertion order.
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    },
    del(key: string) {
      entries.delete(key);
    },
    flushAll() {
      entries.clear();
    },
  };
}
