import { Receiver } from '@upstash/qstash';
import { afterEach, describe, expect, it } from 'vitest';
import { QSTASH_DEV_CREDENTIALS } from '../../shared/config/qstash-dev-credentials.ts';
import { signQStashJwt } from '../../shared/qstash-jwt.ts';
import { startHarness, type Harness } from './test-harness.ts';

const receiver = new Receiver({
  currentSigningKey: QSTASH_DEV_CREDENTIALS.QSTASH_CURRENT_SIGNING_KEY,
  nextSigningKey: QSTASH_DEV_CREDENTIALS.QSTASH_NEXT_SIGNING_KEY,
});

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('delivery signature', () => {
  it('delivers a publishJSON request that the real Receiver verifies, with QStash headers', async () => {
    harness = await startHarness();
    const url = `${harness.destination}/hooks/inbound?tenant=a&x=%20y`;
    const { messageId } = await harness.client.publishJSON({ url, body: { hello: 'wörld' }, headers: { 'X-Trace': 't-1' } });
    await harness.standIn.idle();

    expect(harness.received).toHaveLength(1);
    const [delivered] = harness.received;
    expect(delivered?.url).toBe(url);
    expect(delivered?.method).toBe('POST');
    expect(delivered?.body).toBe(JSON.stringify({ hello: 'wörld' }));
    expect(delivered?.headers.get('content-type')).toBe('application/json');
    expect(delivered?.headers.get('x-trace')).toBe('t-1');
    expect(delivered?.headers.get('upstash-message-id')).toBe(messageId);
    expect(delivered?.headers.get('upstash-retried')).toBe('0');
    expect(delivered?.headers.get('user-agent')).toBe('Upstash-QStash');

    const signature = delivered?.headers.get('upstash-signature') ?? '';
    await expect(receiver.verify({ signature, body: delivered?.body ?? '', url })).resolves.toBe(true);
    await expect(receiver.verify({ signature, body: delivered?.body ?? '' })).resolves.toBe(true);
    await expect(receiver.verify({ signature, body: delivered?.body ?? '', url: `${harness.destination}/other` })).rejects.toThrow(
      /invalid subject/,
    );
    // QStash keeps the base64 `=` padding in the body claim.
    const claims = JSON.parse(Buffer.from(signature.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ iss: 'Upstash', sub: url });
    expect(String(claims.body)).toMatch(/=$/);
    expect(claims.exp).toBe(Number(claims.iat) + 300);
    expect(String(claims.jti)).toMatch(/^jwt_/);
  });

  it('rejects a tampered body', async () => {
    harness = await startHarness();
    const url = `${harness.destination}/hooks/inbound`;
    await harness.client.publishJSON({ url, body: { amount: 1 } });
    await harness.standIn.idle();
    const signature = harness.received[0]?.headers.get('upstash-signature') ?? '';
    await expect(receiver.verify({ signature, body: JSON.stringify({ amount: 1000 }), url })).rejects.toThrow(/body hash/);
  });

  it('signs with the configured keys, which a Receiver holding other keys rejects', async () => {
    harness = await startHarness({ signingKeys: { current: 'sig_forgedForgedForged1', next: 'sig_forgedForgedForged2' } });
    const url = `${harness.destination}/hooks/inbound`;
    await harness.client.publishJSON({ url, body: { a: 1 } });
    await harness.standIn.idle();
    const delivered = harness.received[0];
    const signature = delivered?.headers.get('upstash-signature') ?? '';
    await expect(receiver.verify({ signature, body: delivered?.body ?? '', url })).rejects.toThrow(/signature/);
    const matching = new Receiver({ currentSigningKey: 'sig_forgedForgedForged1', nextSigningKey: 'sig_forgedForgedForged2' });
    await expect(matching.verify({ signature, body: delivered?.body ?? '', url })).resolves.toBe(true);
  });

  it('produces tokens the Receiver rejects once expired', async () => {
    const body = new TextEncoder().encode('{"a":1}');
    const url = 'http://127.0.0.1:9/hooks';
    const signingKey = QSTASH_DEV_CREDENTIALS.QSTASH_CURRENT_SIGNING_KEY;
    const fresh = await signQStashJwt({ signingKey, url, body });
    await expect(receiver.verify({ signature: fresh, body: '{"a":1}', url })).resolves.toBe(true);
    const expired = await signQStashJwt({ signingKey, url, body, issuedAt: Math.floor(Date.now() / 1000) - 600 });
    await expect(receiver.verify({ signature: expired, body: '{"a":1}', url })).rejects.toThrow();
    // The Receiver reports the error of its fallback (next) key; with the same key in both slots
    // the reported reason is the expiry itself.
    const sameKeys = new Receiver({ currentSigningKey: signingKey, nextSigningKey: signingKey });
    await expect(sameKeys.verify({ signature: expired, body: '{"a":1}', url })).rejects.toThrow(/"exp" claim timestamp check failed/);
  });

  it('is accepted through the next signing key after a key rotation', async () => {
    const body = new TextEncoder().encode('x');
    const signature = await signQStashJwt({ signingKey: QSTASH_DEV_CREDENTIALS.QSTASH_NEXT_SIGNING_KEY, url: 'http://h/', body });
    await expect(receiver.verify({ signature, body: 'x', url: 'http://h/' })).resolves.toBe(true);
  });
});
