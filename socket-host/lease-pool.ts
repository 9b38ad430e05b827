/**
 * This host's share of a pool of socket-host replicas: how many numbers it may hold at once
 * (WA_MAX_SESSIONS_PER_HOST) and where the functions reach it (SOCKET_HOST_PUBLIC_URL). Every replica
 * knows every number; each claims free ones through the Postgres lease while it has room, so when one
 * dies the others take its numbers as their leases expire.
 */
export type LeasePool = {
  /** Recorded on every lease this host takes; null: the functions use SOCKET_HOST_URL. */
  readonly ownerUrl: string | null;
  /** Holds (or reserves) room for the number; false when the host is full. */
  reserve(sessionId: string): boolean;
  /** The lease is ours: its room stays taken until it is freed. */
  acquired(sessionId: string): void;
  /** The number is no longer ours (released, lost or never won): its room is free again. */
  free(sessionId: string): void;
  /** Numbers held or being claimed right now. */
  readonly size: number;
};

export function createLeasePool(options: {
  maxSessions?: number;
  ownerUrl?: string;
}): LeasePool {
  const cap = options.maxSessions ?? Number.POSITIVE_INFINITY;
  const held = new Set<string>();
  return {
    ownerUrl: options.ownerUrl?.replace(/\/+$/, '') ?? null,
    reserve(sessionId) {
      if (held.has(sessionId)) return true;
      if (held.size >= cap) return false;
      held.add(sessionId);
      return true;
    },
    acquired(sessionId) {
      held.add(sessionId);
    },
    free(sessionId) {
      held.delete(sessionId);
    },
    get size() {
      return held.size;
    },
  };
}
