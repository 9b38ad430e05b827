import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';
import { startS3StandIn } from '../../test-support/s3-stand-in.ts';

const CREDENTIALS = { accessKeyId: 'AKIAPIPELINE00000001', secretAccessKey: 'pipeline-secret' };
let s3: Awaited<ReturnType<typeof startS3StandIn>>;
let t: PipelineStack;

beforeAll(async () => {
  s3 = await startS3StandIn({ bucket: 'ia-agent-media', region: 'auto', ...CREDENTIALS });
  // The stack also sets MEDIA_DIR: the S3 variables take precedence over it.
  t = await startPipelineStack({
    reply: () => 'Recebido!',
    env: {
      MEDIA_S3_ENDPOINT: s3.url,
      MEDIA_S3_BUCKET: 'ia-agent-media',
      MEDIA_S3_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      MEDIA_S3_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    },
  });
});
afterAll(async () => {
  await t?.stop();
  await s3?.close();
});

describe('media kept in an S3-compatible bucket, through the real stack', () => {
  it('a photo a customer sends is stored in the bucket (nothing on disk) and served at media.url', async () => {
    const phone = '15550930001';
    const data = Uint8Array.from({ length: 30_000 }, (_, i) => (i * 13) % 256);
    await t.customerSendsMedia(phone, { type: 'image', data, mimeType: 'image/jpeg', caption: 'e este?' });
    await eventually(() => t.sentTo(phone).length === 1, 'the reply');
    await t.idle();

    const [row] = (await t.rows(phone)).filter((r) => r.direction === 'in');
    const page = await (await t.api(`/v1/conversations/${row!.conversationId}/messages`)).json();
    const shown = (page.data as { id: string; direction: string; media: { url: string; state: string; size: number } }[]).find((m) => m.direction === 'in')!;
    expect(shown.media).toMatchObject({ state: 'stored', size: data.length });

    expect([...s3.objects.values()]).toEqual([data]);
    expect(s3.accepted.filter((r) => r.method === 'PUT')).toHaveLength(1);
    expect(await readdir(t.mediaDir).catch(() => [])).toEqual([]);

    const res = await t.api(shown.media.url);
    expect(res.status).toBe(200);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(data);
    expect(s3.accepted.filter((r) => r.method === 'GET')).toHaveLength(1);
  });
});
