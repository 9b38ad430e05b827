import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-harness.ts';

/**
 * On Vercel there is no executionCtx: the platform offers waitUntil under a global symbol (what the
 * `@vercel/functions` package reads). A stand-in under that symbol shows where background work goes.
 */
const REQUEST_CONTEXT = Symbol.for('@vercel/request-context');
const globals = globalThis as Record<symbol, unknown>;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ socketHost: false });
});
afterAll(() => h?.close());
afterEach(() => {
  Reflect.deleteProperty(globals, REQUEST_CONTEXT);
});

describe('background work', () => {
  it('is handed to the platform’s waitUntil when there is one, and done by the time it settles', async () => {
    const { key, id } = await h.createKey(['conversations:read', 'keys:admin']);
    const handed: Promise<unknown>[] = [];
    globals[REQUEST_CONTEXT] = { get: () => ({ waitUntil: (work: Promise<unknown>) => void handed.push(work) }) };

    expect((await h.call('/v1/conversations', { key })).status).toBe(200);
    expect(handed.length).toBeGreaterThan(0);
    await Promise.all(handed);

    Reflect.deleteProperty(globals, REQUEST_CONTEXT);
    const { data } = (await (await h.call('/v1/keys', { key })).json()) as { data: { id: string; lastUsedAt: string | null }[] };
    expect(data.find((k) => k.id === id)?.lastUsedAt).not.toBeNull();
  });
});
