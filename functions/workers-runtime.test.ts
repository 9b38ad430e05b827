import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QSTASH_DEV_CREDENTIALS } from '../shared/config/qstash-dev-credentials.ts';
import { signQStashJwt } from '../shared/qstash-jwt.ts';
import { freePort } from '../local/free-port.ts';
import { eventually, startPipelineStack, type PipelineStack } from '../test-support/pipeline-stack.ts';
import { receivedEvent } from '../test-support/wa-events.ts';
import { encryptAsWhatsApp } from '../socket-host/media-encrypt.ts';

/**
 * The Worker as it ships (wrangler.toml, the bundle wrangler builds) running in workerd via
 * `wrangler dev`, wired to the local stand-ins: proves the functions run on the Workers runtime, not
 * only on Node.
 */
let t: PipelineStack;
let worker: ChildProcess;
let url: string;
const persist = mkdtempSync(join(tmpdir(), 'ia-agent-wrangler-'));
// Given to the Worker only, as `wrangler secret put API_KEY` would: the stack never stores it.
const API_KEY = `iak_${crypto.randomUUID().replaceAll('-', '')}_workerd`;

beforeAll(async () => {
  t = await startPipelineStack({ reply: () => 'Answered from workerd.' });
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  // No MEDIA_DIR: media goes to the R2 bucket bound as MEDIA_BUCKET (workerd's own local R2).
  const { MEDIA_DIR: _folder, ...stackEnv } = t.stack.env as Record<string, string | undefined>;
  const vars = { ...stackEnv, MODE: 'local', PUBLIC_URL: url, LOG_LEVEL: 'warn', API_KEY };
  // wrangler.toml as it ships, plus the R2 binding a deployment adds (README, "Media on R2").
  const config = join(persist, 'wrangler.toml');
  writeFileSync(
    config,
    readFileSync('wrangler.toml', 'utf8').replace('main = "functions/index.ts"', `main = "${join(process.cwd(), 'functions/index.ts')}"`) +
      '\n[[r2_buckets]]\nbinding = "MEDIA_BUCKET"\nbucket_name = "ia-agent-media"\n',
  );
  const args = ['wrangler', 'dev', '-c', config, '--port', String(port), '--ip', '127.0.0.1', '--persist-to', persist];
  for (const [name, value] of Object.entries(vars)) if (value) args.push('--var', `${name}:${value}`);
  worker = spawn('npx', args, { env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' }, detached: true, stdio: 'ignore' });
  await eventually(async () => (await fetch(`${url}/api/health`)).status === 200, 'wrangler dev to serve the Worker', 90_000);
}, 120_000);

afterAll(async () => {
  if (worker?.pid) process.kill(-worker.pid, 'SIGTERM');
  await t?.stop();
  rmSync(persist, { recursive: true, force: true });
});

describe('the functions on the Workers runtime (workerd)', () => {
  it('answer health with every component reachable', async () => {
    const body = await (await fetch(`${url}/api/health`)).json();
    expect(body.status).toBe('ok');
    expect(Object.values(body.checks).every((c) => (c as { ok: boolean }).ok)).toBe(true);
  });

  it('take API_KEY from the Worker’s bindings as the admin key, with no start-up step', async () => {
    const res = await fetch(`${url}/v1/keys`, { headers: { authorization: `Bearer ${API_KEY}` } });
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as { data: { source: string }[] };
    expect(data[0]).toMatchObject({ source: 'environment' });
  });

  it('run the inbound hook end to end: a signed event becomes one stored message and one reply', async () => {
    const hook = `${url}/hooks/whatsapp`;
    const body = JSON.stringify(receivedEvent('15551010101', '3EB0A0A0A0A0A0A0A0A0A0A1', 'Hello Worker'));
    const signature = await signQStashJwt({
      signingKey: QSTASH_DEV_CREDENTIALS.QSTASH_CURRENT_SIGNING_KEY,
      url: hook,
      body: new TextEncoder().encode(body),
    });
    const res = await fetch(hook, { method: 'POST', headers: { 'content-type': 'application/json', 'upstash-signature': signature }, body });
    expect(res.status).toBe(200);
    await eventually(() => t.sentTo('15551010101').length === 1, 'the reply sent by the socket-host');
    expect(t.sentTo('15551010101')[0]!.text).toBe('Answered from workerd.');
    expect((await t.rows('15551010101')).map((r) => r.direction)).toEqual(['in', 'out']);
  });

  it('fetch and decrypt a photo with WebCrypto, keep it in R2 through the MEDIA_BUCKET binding, and serve it at media.url', async () => {
    const photo = Uint8Array.from({ length: 30_000 }, (_, i) => (i * 7) % 256);
    const enc = await encryptAsWhatsApp(photo, 'image');
    const { url: fileUrl, directPath } = t.mediaCdn.upload(enc.file);
    const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
    const media = { mimeType: 'image/jpeg', size: photo.length, fileName: null, seconds: null, mediaKey: b64(enc.mediaKey), directPath, url: fileUrl, fileSha256: b64(enc.fileSha256), fileEncSha256: b64(enc.fileEncSha256) };
    const hook = `${url}/hooks/whatsapp`;
    const body = JSON.stringify(receivedEvent('15551010102', '3EB0A0A0A0A0A0A0A0A0A0A2', 'foto', { messageType: 'image', media }));
    const signature = await signQStashJwt({ signingKey: QSTASH_DEV_CREDENTIALS.QSTASH_CURRENT_SIGNING_KEY, url: hook, body: new TextEncoder().encode(body) });
    const folderBefore = readdirSync(t.mediaDir).length;
    expect((await fetch(hook, { method: 'POST', headers: { 'content-type': 'application/json', 'upstash-signature': signature }, body })).status).toBe(200);

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
