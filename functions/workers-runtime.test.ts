import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startPipelineStack, type PipelineStack } from '../test-support/pipeline-stack.ts';
import { receivedEvent } from '../test-support/wa-events.ts';
import { startWranglerDev, WRANGLER_DEV_HOOK_TIMEOUT_MS, type WranglerDev } from '../test-support/wrangler-dev.ts';
import { postSignedHook, photoEvent } from '../test-support/signed-hook.ts';

/**
 * The Worker as it ships (wrangler.toml, the bundle wrangler builds) running in workerd via
 * `wrangler dev`, wired to the local stand-ins: proves the functions run on the Workers runtime, not
 * only on Node.
 */
let t: PipelineStack;
let worker: WranglerDev;
let url: string;
// Given to the Worker only, as `wrangler secret put API_KEY` would: the stack never stores it.
const API_KEY = `iak_${crypto.randomUUID().replaceAll('-', '')}_workerd`;

beforeAll(async () => {
  t = await startPipelineStack({ reply: () => 'Answered from workerd.' });
  // No MEDIA_DIR: media goes to the R2 bucket bound as MEDIA_BUCKET (workerd's own local R2), the
  // binding a deployment adds (README, "Media on R2").
  const { MEDIA_DIR: _folder, ...stackEnv } = t.stack.env as Record<string, string | undefined>;
  worker = await startWranglerDev({
    vars: { ...stackEnv, MODE: 'local', LOG_LEVEL: 'warn', API_KEY },
    extraToml: '\n[[r2_buckets]]\nbinding = "MEDIA_BUCKET"\nbucket_name = "ia-agent-media"\n',
    ready: async (u) => (await fetch(`${u}/api/health`).catch(() => null))?.status === 200,
  });
  url = worker.url;
}, WRANGLER_DEV_HOOK_TIMEOUT_MS);

afterAll(async () => {
  worker?.stop();
  await t?.stop();
});

describe('the functions on the Workers runtime (workerd)', () => {
  it('answer health with every component reachable', async () => {
    const body = await (await fetch(`${url}/api/health`)).json();
    expect(body.status).toBe('ok');
    expect(Object.values(body.checks).every((c) => (c as { ok: boolean }).ok)).toBe(true);
  });

  it('serve the console from static assets (a client route gets index.html) and redirect / to it', async () => {
    const page = await fetch(`${url}/console/inbox/some-conversation`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await page.text();
    const script = html.match(/src="(\/console\/assets\/[^"]+\.js)"/)?.[1];
    expect(script).toBeDefined();
    expect((await fetch(`${url}${script}`)).headers.get('content-type')).toMatch(/javascript/);
    const root = await fetch(`${url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/console');
  });

  it('take API_KEY from the Worker’s bindings as the admin key, with no start-up step', async () => {
    const res = await fetch(`${url}/v1/keys`, { headers: { authorization: `Bearer ${API_KEY}` } });
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as { data: { source: string }[] };
    expect(data[0]).toMatchObject({ source: 'environment' });
  });

  it('run the inbound hook end to end: a signed event becomes one stored message and one reply', async () => {
    const res = await postSignedHook(`${url}/hooks/whatsapp`, receivedEvent('15551010101', '3EB0A0A0A0A0A0A0A0A0A0A1', 'Hello Worker'));
    expect(res.status).toBe(200);
    await eventually(() => t.sentTo('15551010101').length === 1, 'the reply sent by the socket-host');
    expect(t.sentTo('15551010101')[0]!.text).toBe('Answered from workerd.');
    expect((await t.rows('15551010101')).map((r) => r.direction)).toEqual(['in', 'out']);
  });

  it('fetch and decrypt a photo with WebCrypto, keep it in R2 through the MEDIA_BUCKET binding, and serve it at media.url', async () => {
    const photo = Uint8Array.from({ length: 30_000 }, (_, i) => (i * 7) % 256);
    const folderBefore = readdirSync(t.mediaDir).length;
    expect((await postSignedHook(`${url}/hooks/whatsapp`, await photoEvent(t.mediaCdn, '15551010102', '3EB0A0A0A0A0A0A0A0A0A0A2', photo))).status).toBe(200);

    const [inbound] = (await t.rows('15551010102')).filter((r) => r.direction === 'in');
    const res = await fetch(`${url}/v1/media/${inbound!.id}`, { headers: { authorization: `Bearer ${API_KEY}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(photo))).toBe(true);
    // Kept in R2, not in a folder.
    expect(readdirSync(t.mediaDir)).toHaveLength(folderBefore);
    expect((await fetch(`${url}/v1/media/${inbound!.id}`)).status).toBe(401);
  });
});
