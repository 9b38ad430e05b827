/** Duration syntax of QStash headers (`Upstash-Delay: 1d10h30m`, `Upstash-Timeout: 5s`) and retry backoff. */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
// `ms` must be tried before `m`, hence the alternation order.
const PART = /(\d+(?:\.\d+)?)(ms|d|h|m|s)/y;

export const ONE_DAY_MS = 86_400_000;

/**
 * Parses `50s`, `2m`, `1d10h30m`, `1.5h`, `250ms` into milliseconds; undefined for anything else
 * (including a bare number: QStash requires a unit, and guessing one would hide product bugs).
 */
export function parseDuration(text: string): number | undefined {
  const input = text.trim();
  if (input === '') return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < input.length) {
    const start = PART.lastIndex;
    const match = PART.exec(input);
    if (!match || match.index !== start) return undefined;
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? Number.NaN);
  }
  return Number.isFinite(total) ? Math.round(total) : undefined;
}

/**
 * QStash's default backoff: the n-th retry (n = 1, 2, …) waits min(86400, e^(2.5·n)) seconds,
 * i.e. 12s, 2m28s, 30m8s, 6h7m, then a day. `retried` counts the retries already made (0 before
 * the first retry), the same meaning as the `retried` variable of `Upstash-Retry-Delay`.
 */
export function defaultRetryDelayMs(retried: number): number {
  return Math.min(86_400, Math.exp(2.5 * (retried + 1))) * 1000;
}

/** A destination's `Retry-After` (delta seconds or an HTTP date) in ms, capped at one day. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  let ms: number;
  if (/^\d+$/.test(trimmed)) ms = Number(trimmed) * 1000;
  else {
    const at = Date.parse(trimmed);
    if (Number.isNaN(at)) return undefined;
    ms = Math.max(0, at - now);
  }
  return Math.min(ms, ONE_DAY_MS);
}
