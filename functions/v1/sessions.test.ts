import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';

let t: PipelineStack;
beforeAll(async () => {
  t = await startPipelineStack();
  await eventually(() => t.fake.latest()?.state === 'open', 'the fake number to connect');
});
afterAll(() => t?.stop());

describe('linking a number through the API', () => {
  it('lists the sessions with their link state', async () => {
    const res = await t.api('/v1/sessions');
    expect(res.status).toBe(200);
    expect((await res.json()).data).toEqual([{ id: 'default', status: 'open', phone: expect.any(String), reason: null }]);
  });

  it('serves the QR code as a PNG while the number waits to be linked, and a pairing code on request', async () => {
    expect((await t.api('/v1/sessions/default/qr.png')).status).toBe(404);
    t.fake.latest()!.showQr();
    await eventually(async () => (await (await t.api('/v1/sessions')).json()).data[0].status === 'qr', 'the QR state');

    const png = await t.api('/v1/sessions/default/qr.png');
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect([...new Uint8Array(await png.arrayBuffer()).slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);

    const pairing = await t.api('/v1/sessions/default/pairing-code', { method: 'POST', body: JSON.stringify({ phone: '+4915112345678' }) });
    expect(pairing.status).toBe(200);
    expect((await pairing.json()).code).toMatch(/^[A-Z0-9]{8}$/);
    expect(t.fake.latest()!.pairingRequests).toContain('4915112345678');
  });

  it('names an unknown session and a malformed phone', async () => {
    expect((await t.api('/v1/sessions/nope/qr.png')).status).toBe(404);
    const bad = await t.api('/v1/sessions/default/pairing-code', { method: 'POST', body: JSON.stringify({ phone: 'call me' }) });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toContain('phone');
  });
});
