import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys, idempotencyKeys } from '../../drizzle/schema.ts';
import { startHarness, type Harness } from '../v1/test-harness.ts';
import { SCOPES } from './scopes.ts';

/**
 * The deployment's API_KEY is its root: it authenticates without being stored, a second admin key
 * cannot revoke it, and GET /v1/keys says which key it is. Through the local stack, which stored it
 * as an ordinary (revocable) row before.
 */
const ROOT = `iak_root_${crypto.randomUUID().replaceAll('-', '')}`;

type Listed = { id: string; name: string; prefix: string; scopes: string[]; source: string; createdAt: string | null; revokedAt: string | null };

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { API_KEY: ROOT } });
});
afterAll(() => h?.close());

const list = async (key: string) => ((await (await h.call('/v1/keys', { key })).json()) as { data: Listed[] }).data;

describe('the API_KEY admin key', () => {
  it('is listed first, marked as the environment’s, with every scope and no creation date', async () => {
    const [first, ...rest] = await list(ROOT);
    expect(first).toMatchObject({ name: 'admin (API_KEY)', source: 'environment', prefix: `${ROOT.slice(0, 10)}…`, createdAt: null, revokedAt: null });
    expect(first!.scopes.sort()).toEqual([...SCOPES].sort());
    expect(rest.every((k) => k.source === 'api')).toBe(true);
  });

  it('is not stored: no row holds it, so changing API_KEY leaves nothing that accepts the old value', async () => {
    const stored = JSON.stringify(await h.db.select().from(apiKeys));
    expect(stored).not.toContain(ROOT.slice(0, 10));
    expect(stored).not.toContain('admin (API_KEY)');
  });

  it('cannot be revoked by a second admin key (409 saying how to rotate it), and keeps working', async () => {
    const second = await h.createKey([...SCOPES], 'second admin');
    const root = (await list(second.key)).find((k) => k.name === 'admin (API_KEY)')!;
    const res = await h.call(`/v1/keys/${root.id}`, { method: 'DELETE', key: second.key });
    expect(res.status).toBe(409);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toMatch(/API_KEY/);
    expect(error.message).toMatch(/rotate/i);
    expect((await h.call('/v1/conversations', { key: ROOT })).status).toBe(200);
  });

  it('lets every stored admin key be revoked: the root key still manages keys', async () => {
    const stored = (await list(ROOT)).filter((k) => k.source === 'api' && k.scopes.includes('keys:admin') && !k.revokedAt);
    expect(stored.length).toBeGreaterThan(0);
    for (const k of stored) expect((await h.call(`/v1/keys/${k.id}`, { method: 'DELETE', key: ROOT })).status).toBe(204);
    expect((await h.call('/v1/keys', { key: ROOT })).status).toBe(200);
  });

  it('has a stable id: an Idempotency-Key replays its first answer, and its requests share one rate-limit count', async () => {
    const rootId = (await list(ROOT)).find((k) => k.source === 'environment')!.id;
    const send = () =>
      h.call('/v1/messages', {
        method: 'POST',
        key: ROOT,
        json: { to: '+4915112345678', text: 'Your order shipped.' },
        headers: { 'idempotency-key': 'root-retry-1' },
      });
    const first = await send();
    expect(first.status).toBe(202);
    const again = await send();
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(await first.json());
    const recorded = await h.db.select({ apiKeyId: idempotencyKeys.apiKeyId }).from(idempotencyKeys);
    expect(recorded).toEqual([{ apiKeyId: rootId }]);

    const remaining = async () => Number((await h.call('/v1/keys', { key: ROOT })).headers.get('ratelimit-remaining'));
    const before = await remaining();
    expect(await remaining()).toBe(before - 1);
  });
});
