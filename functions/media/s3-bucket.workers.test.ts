import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';
import { startS3StandIn } from '../../test-support/s3-stand-in.ts';
import { startWranglerDev, WRANGLER_DEV_HOOK_TIMEOUT_MS, type WranglerDev } from '../../test-support/wrangler-dev.ts';
import { postSignedHook, photoEvent } from '../../test-support/signed-hook.ts';

/**
 * The Worker as it ships, in workerd (`wrangler dev`), with no R2 binding and the MEDIA_S3_* variables
 * instead: the S3 signing (aws4fetch on WebCrypto) runs on the Workers runtime, checked by the stand-in.
 */
const CREDENTIALS = { accessKeyId: 'AKIAWORKERD000000001', secretAccessKey: 'workerd-secret' };
let t: PipelineStack;
let s3: Awaited<ReturnType<typeof startS3StandIn>>;
let worker: WranglerDev;
let url: string;
const API_KEY = `iak_${crypto.randomUUID().replaceAll('-', '')}_s3`;

beforeAll(async () => {
  s3 = await startS3StandIn({ bucket: 'ia-agent-media', region: 'auto', ...CREDENTIALS });
  t = await startPipelineStack({ reply: () => 'Recebido no Worker.' });
  const { MEDIA_DIR: _folder, ...stackEnv } = t.stack.env as Record<string, string | undefined>;
  worker = await startWranglerDev({
    vars: {
      ...stackEnv,
      MODE: 'local',
      LOG_LEVEL: 'warn',
      API_KEY,
      MEDIA_S3_ENDPOINT: s3.url,
      MEDIA_S3_BUCKET: 'ia-agent-media',
      MEDIA_S3_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      MEDIA_S3_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    },
    ready: async (u) => (await fetch(`${u}/api/health`).catch(() => null))?.status === 200,
  });
  url = worker.url;
}, WRANGLER_DEV_HOOK_TIMEOUT_MS);

afterAll(async () => {
  worker?.stop();
  await t?.stop();
  await s3?.close();
});

describe('media through the S3 API on the Workers runtime (workerd)', () => {
  it('a photo is decrypted, put in the bucket with a signature the stand-in accepts, and served back from it', async () => {
    const photo = Uint8Array.from({ length: 30_000 }, (_, i) => (i * 11) % 256);
    expect((await postSignedHook(`${url}/hooks/whatsapp`, await photoEvent(t.mediaCdn, '15551010301', '3EB0S3WORKERD00000001', photo))).status).toBe(200);

    expect([...s3.objects.values()]).toEqual([photo]);
    expect(readdirSync(t.mediaDir)).toEqual([]);
    const [inbound] = (await t.rows('15551010301')).filter((r) => r.direction === 'in');
    const res = await fetch(`${url}/v1/media/${inbound!.id}`, { headers: { authorization: `Bearer ${API_KEY}` } });
    expect(res.status).toBe(200);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(photo);
    expect(s3.accepted.map((r) => r.method)).toEqual(['PUT', 'GET']);
  });
});
