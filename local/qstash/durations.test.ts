import { describe, expect, it } from 'vitest';
import { defaultRetryDelayMs, parseDuration, parseRetryAfter } from './durations.ts';
import { parsePublish } from './publish.ts';
import { compileRetryDelay } from './retry-expression.ts';

describe('parseDuration', () => {
  it('reads QStash duration strings', () => {
    expect(parseDuration('50s')).toBe(50_000);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('1d10h30m')).toBe(((24 + 10) * 60 + 30) * 60_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
  });

  it('rejects anything else', () => {
    for (const bad of ['', '50', 's', '5 s', '1w', '-5s', '5s5', 'abc']) expect(parseDuration(bad), bad).toBeUndefined();
  });
});

describe('backoff', () => {
  it("matches QStash's documented table: 12s, 2m28s, 30m8s, then capped at a day", () => {
    expect(Math.floor(defaultRetryDelayMs(0) / 1000)).toBe(12);
    expect(Math.floor(defaultRetryDelayMs(1) / 1000)).toBe(148);
    expect(Math.floor(defaultRetryDelayMs(2) / 1000)).toBe(1808);
    expect(defaultRetryDelayMs(4)).toBe(86_400_000);
  });

  it('reads Retry-After as seconds or a date, capped at a day', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('999999', now)).toBe(86_400_000);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('Upstash-Retry-Delay expressions', () => {
  it('evaluates the documented examples over `retried`', () => {
    expect(compileRetryDelay('1000')(5)).toBe(1000);
    expect([0, 1, 2].map(compileRetryDelay('1000 * (1 + retried)'))).toEqual([1000, 2000, 3000]);
    expect([0, 1, 3].map(compileRetryDelay('pow(2, retried) * 1000'))).toEqual([1000, 2000, 8000]);
    expect(compileRetryDelay('max(1000, pow(2, retried) * 100)')(0)).toBe(1000);
    expect(compileRetryDelay('min(5, 3, 4) + abs(-2) - floor(1.7) + ceil(0.2) + round(2.5) + sqrt(16) * exp(0)')(0)).toBe(
      3 + 2 - 1 + 1 + 3 + 4,
    );
    expect(compileRetryDelay('-retried + 10 % 4 / 2')(3)).toBe(-2);
  });

  it('rejects anything that is not plain arithmetic', () => {
    for (const bad of ['', 'pow(2)', 'pow(2, retried', 'retried retried', 'process.exit(1)', 'constructor', 'constructor(1)', 'toString(1)', 'x', '1 +', '2 ** ', 'max()']) {
      expect(() => compileRetryDelay(bad), bad).toThrow();
    }
  });
});

describe('parsePublish', () => {
  const parse = (headers: Record<string, string>, destination = 'http://127.0.0.1:1/x?y=1') =>
    parsePublish({ destination, headers: new Headers(headers), body: new Uint8Array() }, 1_000_000);

  it('lets Upstash-Not-Before win over Upstash-Delay', () => {
    const parsed = parse({ 'Upstash-Delay': '10s', 'Upstash-Not-Before': '2000' });
    expect(parsed.ok && parsed.message.dueAt).toBe(2_000_000);
  });

  it('accepts a percent-encoded destination and keeps its query string', () => {
    const parsed = parse({}, encodeURIComponent('https://example.com/hook?a=1'));
    expect(parsed.ok && parsed.message.url).toBe('https://example.com/hook?a=1');
  });

  it('defaults to POST and 3 retries, and accepts callbacks without acting on them', () => {
    const parsed = parse({ 'Upstash-Callback': 'http://127.0.0.1:1/cb', 'Upstash-Failure-Callback': 'http://127.0.0.1:1/f' });
    expect(parsed.ok && parsed.message).toMatchObject({ method: 'POST', maxRetries: 3, callback: 'http://127.0.0.1:1/cb' });
  });

  it('rejects oversized bodies with 413', () => {
    const parsed = parsePublish(
      { destination: 'http://127.0.0.1:1/x', headers: new Headers(), body: new Uint8Array(1024 * 1024 + 1) },
      0,
    );
    expect(parsed).toMatchObject({ ok: false, status: 413 });
  });
});
