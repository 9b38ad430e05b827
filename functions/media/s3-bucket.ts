import { AwsClient } from 'aws4fetch';
import type { MediaBucket } from './bucket.ts';

export type S3BucketOptions = {
  /** The service's origin, e.g. https://<account>.r2.cloudflarestorage.com or https://s3.eu-west-1.amazonaws.com. */
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `auto` for R2; the bucket's region for AWS S3, Backblaze B2 or MinIO. */
  region: string;
  /** How long one request may take; a bucket that hangs fails the hook, which the queue retries. */
  timeoutMs?: number;
};

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/**
 * Any S3-compatible bucket (Cloudflare R2's S3 endpoint, AWS S3, MinIO, Backblaze B2…) over its HTTP
 * API, signed with SigV4 by `aws4fetch` (WebCrypto and fetch only: it runs on Workers, Vercel and
 * Node alike). URLs are path-style (`{endpoint}/{bucket}/{key}`), which every one of them serves
 * without per-bucket DNS. No retries here: a failure throws, and the queue retries the whole hook.
 */
export class S3MediaBucket implements MediaBucket {
  private readonly client: AwsClient;
  private readonly base: string;
  private readonly bucket: string;
  private readonly timeoutMs: number;

  constructor(o: S3BucketOptions) {
    // The service is named, not guessed from the host: the signature's scope must say `s3` for
    // every provider, and R2's host would otherwise be read as region `auto` only by luck.
    this.client = new AwsClient({ accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey, service: 's3', region: o.region, retries: 0 });
    this.base = o.endpoint.replace(/\/+$/, '');
    this.bucket = o.bucket;
    this.timeoutMs = o.timeoutMs ?? 20_000;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    // The payload's hash is signed (not UNSIGNED-PAYLOAD): the service refuses bytes changed on the way.
    const sha256 = hex(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
    const res = await this.send('PUT', key, bytes, sha256);
    if (!res.ok) throw await this.refused('PUT', key, res);
    await res.body?.cancel();
  }

  async get(key: string): Promise<Uint8Array | null> {
    const res = await this.send('GET', key, null, EMPTY_SHA256);
    if (res.status === 404) {
      await res.body?.cancel();
      return null;
    }
    if (!res.ok) throw await this.refused('GET', key, res);
    return new Uint8Array(await res.arrayBuffer());
  }

  async delete(key: string): Promise<void> {
    // S3 answers 204 whether or not the key existed; some compatible services answer 404 for a missing one.
    const res = await this.send('DELETE', key, null, EMPTY_SHA256);
    if (!res.ok && res.status !== 404) throw await this.refused('DELETE', key, res);
    await res.body?.cancel();
  }

  private async send(method: string, key: string, body: Uint8Array | null, sha256: string): Promise<Response> {
    const url = `${this.base}/${encodeURIComponent(this.bucket)}/${encodeURIComponent(key)}`;
    const signed = await this.client.sign(url, {
      method,
      headers: { 'x-amz-content-sha256': sha256, ...(body ? { 'content-type': 'application/octet-stream' } : {}) },
      body: body as Uint8Array<ArrayBuffer> | null,
    });
    try {
      return await fetch(signed, { signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      throw new Error(`the S3 media bucket at ${this.base} could not be reached (${method} ${this.bucket}/…): ${(err as Error).message}`, { cause: err });
    }
  }

  /** An error that says what the service answered (S3's XML `<Code>` and `<Message>`) and what to check. */
  private async refused(method: string, key: string, res: Response): Promise<Error> {
    const xml = await res.text().catch(() => '');
    const code = /<Code>([^<]*)<\/Code>/.exec(xml)?.[1];
    const message = /<Message>([^<]*)<\/Message>/.exec(xml)?.[1];
    const said = code ? `${code}${message ? `: ${message}` : ''}` : xml.slice(0, 200) || res.statusText;
    const hint =
      res.status === 403 || code === 'SignatureDoesNotMatch' || code === 'InvalidAccessKeyId'
        ? ' — check MEDIA_S3_ACCESS_KEY_ID, MEDIA_S3_SECRET_ACCESS_KEY and MEDIA_S3_REGION'
        : code === 'NoSuchBucket'
          ? ' — check MEDIA_S3_BUCKET'
          : '';
    return new Error(`the S3 media bucket refused ${method} ${this.bucket}/${key}: ${res.status} ${said}${hint}`);
  }
}

function hex(buf: ArrayBuffer): string {
  return [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
