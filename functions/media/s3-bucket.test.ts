import { AwsClient } from 'aws4fetch';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sigV4Signature, startS3StandIn } from '../../test-support/s3-stand-in.ts';
import { newMediaKey } from './bucket.ts';
import { S3MediaBucket } from './s3-bucket.ts';

const CREDENTIALS = { accessKeyId: 'AKIAMEDIATEST0000001', secretAccessKey: 'media-test-secret/with+odd=characters' };
let s3: Awaited<ReturnType<typeof startS3StandIn>>;
let bucket: S3MediaBucket;

beforeAll(async () => {
  s3 = await startS3StandIn({ bucket: 'ia-agent-media', region: 'auto', ...CREDENTIALS });
  bucket = new S3MediaBucket({ endpoint: s3.url, bucket: 'ia-agent-media', region: 'auto', ...CREDENTIALS });
});
afterAll(() => s3?.close());

describe('the stand-in checks signatures as AWS specifies them', () => {
  it("computes the signature of AWS's documented S3 example (GET /test.txt, 2013-05-24)", () => {
    // From AWS's "Signature Calculations for the Authorization Header" page, example "GET Object".
    const headers = new Headers({
      host: 'examplebucket.s3.amazonaws.com',
      range: 'bytes=0-9',
      'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      'x-amz-date': '20130524T000000Z',
    });
    const signature = sigV4Signature(
      {
        method: 'GET',
        path: '/test.txt',
        query: new URLSearchParams(),
        headers,
        signedHeaders: ['host', 'range', 'x-amz-content-sha256', 'x-amz-date'],
        payloadHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        amzDate: '20130524T000000Z',
      },
      { secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', region: 'us-east-1', service: 's3' },
    );
    expect(signature).toBe('f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41');
  });

  it('refuses an unsigned request and one whose body is not the one signed', async () => {
    const key = newMediaKey();
    expect((await fetch(`${s3.url}/ia-agent-media/${key}`, { method: 'PUT', body: 'x' })).status).toBe(403);
    // Correctly signed for one body, sent with another.
    const signed = await new AwsClient({ ...CREDENTIALS, service: 's3', region: 'auto' }).sign(`${s3.url}/ia-agent-media/${key}`, {
      method: 'PUT',
      body: 'the signed bytes',
      headers: { 'x-amz-content-sha256': createHash('sha256').update('the signed bytes').digest('hex') },
    });
    const res = await fetch(signed.url, { method: 'PUT', headers: signed.headers, body: 'not what was signed' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('XAmzContentSHA256Mismatch');
    expect(s3.objects.has(key)).toBe(false);
  });
});

describe('a media bucket over the S3 API', () => {
  it('puts, gets and deletes an object, path-style, with the payload signed', async () => {
    const key = newMediaKey();
    const bytes = new Uint8Array(70_001).map((_, i) => (i * 31) % 256);
    await bucket.put(key, bytes);
    expect(s3.objects.get(key)).toEqual(bytes);
    expect(await bucket.get(key)).toEqual(bytes);

    const put = s3.accepted.find((r) => r.method === 'PUT' && r.key === key)!;
    expect(put.payloadHash).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(put.signedHeaders).toEqual(expect.arrayContaining(['host', 'x-amz-content-sha256', 'x-amz-date']));

    await bucket.delete(key);
    expect(s3.objects.has(key)).toBe(false);
    expect(await bucket.get(key)).toBeNull();
  });

  it('answers null for a key never stored, and deleting one is not an error', async () => {
    const key = newMediaKey();
    expect(await bucket.get(key)).toBeNull();
    await expect(bucket.delete(key)).resolves.toBeUndefined();
  });

  it('a wrong secret throws an error naming the variables to check, and stores nothing', async () => {
    const wrong = new S3MediaBucket({ endpoint: s3.url, bucket: 'ia-agent-media', region: 'auto', accessKeyId: CREDENTIALS.accessKeyId, secretAccessKey: 'not-the-secret' });
    const key = newMediaKey();
    await expect(wrong.put(key, new Uint8Array([1, 2, 3]))).rejects.toThrow(
      /^the S3 media bucket refused PUT ia-agent-media\/\S+: 403 SignatureDoesNotMatch: .* — check MEDIA_S3_ACCESS_KEY_ID, MEDIA_S3_SECRET_ACCESS_KEY and MEDIA_S3_REGION$/,
    );
    expect(s3.objects.has(key)).toBe(false);
    await bucket.put(key, new Uint8Array([9]));
    await expect(wrong.get(key)).rejects.toThrow(/403 SignatureDoesNotMatch/);
  });

  it('an unknown access key, another region or a missing bucket each say what is wrong', async () => {
    const key = newMediaKey();
    const other = (o: Partial<ConstructorParameters<typeof S3MediaBucket>[0]>) =>
      new S3MediaBucket({ endpoint: s3.url, bucket: 'ia-agent-media', region: 'auto', ...CREDENTIALS, ...o });
    await expect(other({ accessKeyId: 'AKIAUNKNOWN' }).put(key, new Uint8Array([1]))).rejects.toThrow(/403 InvalidAccessKeyId: .* — check MEDIA_S3_ACCESS_KEY_ID/);
    await expect(other({ region: 'eu-west-1' }).put(key, new Uint8Array([1]))).rejects.toThrow(/400 AuthorizationHeaderMalformed/);
    await expect(other({ bucket: 'no-such-bucket' }).put(key, new Uint8Array([1]))).rejects.toThrow(/404 NoSuchBucket: .* — check MEDIA_S3_BUCKET$/);
    expect(s3.objects.has(key)).toBe(false);
  });

  it('an endpoint that does not answer throws, naming it', async () => {
    const gone = await startS3StandIn({ bucket: 'b', region: 'auto', ...CREDENTIALS });
    await gone.close();
    const unreachable = new S3MediaBucket({ endpoint: gone.url, bucket: 'b', region: 'auto', ...CREDENTIALS });
    await expect(unreachable.get(newMediaKey())).rejects.toThrow(`the S3 media bucket at ${gone.url} could not be reached`);
  });
});
