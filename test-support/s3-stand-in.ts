import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { listen } from '../local/listen.ts';

/**
 * A small S3 service for tests: path-style `PUT`/`GET`/`DELETE /{bucket}/{key}`, objects in memory,
 * and every request's SigV4 signature checked here with node:crypto, following AWS's specification
 * (not with the library the product signs with), so a signing mistake in the product fails the test.
 */
export async function startS3StandIn(o: { bucket: string; accessKeyId: string; secretAccessKey: string; region: string }) {
  const objects = new Map<string, Uint8Array<ArrayBuffer>>();
  /** What each accepted request was, for tests that check how the product signs. */
  const accepted: { method: string; key: string; payloadHash: string; signedHeaders: string[] }[] = [];

  const server = await listen(async (req) => {
    const url = new URL(req.url);
    const body = new Uint8Array(await req.arrayBuffer());
    const verdict = verifySigV4(
      { method: req.method, path: url.pathname, query: url.searchParams, headers: req.headers, body },
      { secrets: { [o.accessKeyId]: o.secretAccessKey }, region: o.region, service: 's3', now: new Date() },
    );
    if (!verdict.ok) return s3Error(verdict.status, verdict.code, verdict.message);

    const [, bucket, ...rest] = url.pathname.split('/').map((segment) => decodeURIComponent(segment));
    const key = rest.join('/');
    if (bucket !== o.bucket) return s3Error(404, 'NoSuchBucket', 'The specified bucket does not exist');
    if (!key) return s3Error(400, 'InvalidRequest', 'path-style requests name /{bucket}/{key}');
    accepted.push({ method: req.method, key, payloadHash: verdict.payloadHash, signedHeaders: verdict.signedHeaders });

    if (req.method === 'PUT') {
      objects.set(key, body);
      return new Response(null, { status: 200, headers: { etag: `"${createHash('md5').update(body).digest('hex')}"` } });
    }
    if (req.method === 'GET') {
      const found = objects.get(key);
      return found ? new Response(found, { headers: { 'content-type': 'application/octet-stream' } }) : s3Error(404, 'NoSuchKey', 'The specified key does not exist.');
    }
    if (req.method === 'DELETE') {
      objects.delete(key);
      return new Response(null, { status: 204 });
    }
    return s3Error(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
  });
  return { url: server.url, objects, accepted, close: () => server.close() };
}

function s3Error(status: number, code: string, message: string): Response {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  return new Response(xml, { status, headers: { 'content-type': 'application/xml' } });
}

export type SignedRequest = { method: string; path: string; query: URLSearchParams; headers: Headers; body: Uint8Array };
type Verdict =
  | { ok: true; payloadHash: string; signedHeaders: string[] }
  | { ok: false; status: number; code: string; message: string };

/** How far a request's `x-amz-date` may be from the clock, as S3 allows. */
const MAX_SKEW_MS = 15 * 60_000;

/** Checks a request's `Authorization: AWS4-HMAC-SHA256 …` header as S3 does (header-signed requests only). */
export function verifySigV4(
  req: SignedRequest,
  o: { secrets: Record<string, string>; region: string; service: string; now: Date },
): Verdict {
  const refuse = (status: number, code: string, message: string): Verdict => ({ ok: false, status, code, message });
  const auth = /^AWS4-HMAC-SHA256 Credential=([^,]+), ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(req.headers.get('authorization') ?? '');
  if (!auth) return refuse(403, 'AccessDenied', 'no AWS4-HMAC-SHA256 Authorization header');
  const [, credential, signedList, signature] = auth as unknown as [string, string, string, string];
  const [accessKeyId, date, region, service, terminal] = credential.split('/');
  const secret = accessKeyId === undefined ? undefined : o.secrets[accessKeyId];
  if (secret === undefined) return refuse(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
  if (region !== o.region || service !== o.service || terminal !== 'aws4_request') {
    return refuse(400, 'AuthorizationHeaderMalformed', `the credential scope should be …/${o.region}/${o.service}/aws4_request, not ${credential}`);
  }
  const amzDate = req.headers.get('x-amz-date') ?? '';
  const at = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!at || amzDate.slice(0, 8) !== date) return refuse(403, 'AccessDenied', 'x-amz-date is missing or does not match the credential date');
  const when = Date.UTC(+at[1]!, +at[2]! - 1, +at[3]!, +at[4]!, +at[5]!, +at[6]!);
  if (Math.abs(o.now.getTime() - when) > MAX_SKEW_MS) return refuse(403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.');

  const signedHeaders = signedList.split(';');
  for (const required of ['host', 'x-amz-date', 'x-amz-content-sha256']) {
    if (!signedHeaders.includes(required)) return refuse(403, 'AccessDenied', `${required} must be signed`);
  }
  const payloadHash = req.headers.get('x-amz-content-sha256') ?? '';
  if (payloadHash !== 'UNSIGNED-PAYLOAD' && payloadHash !== sha256Hex(req.body)) {
    return refuse(400, 'XAmzContentSHA256Mismatch', 'The provided x-amz-content-sha256 header does not match what was computed.');
  }

  const expected = sigV4Signature(
    { method: req.method, path: req.path, query: req.query, headers: req.headers, signedHeaders, payloadHash, amzDate },
    { secret, region: o.region, service: o.service },
  );
  const same = timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(signature, 'hex'));
  if (!same) {
    return refuse(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
  }
  return { ok: true, payloadHash, signedHeaders };
}

/**
 * The SigV4 signature of a request, step by step from AWS's documentation: canonical request →
 * string to sign → HMAC chain of date, region, service and "aws4_request" keyed with "AWS4" + secret.
 */
export function sigV4Signature(
  r: { method: string; path: string; query: URLSearchParams; headers: Headers; signedHeaders: string[]; payloadHash: string; amzDate: string },
  k: { secret: string; region: string; service: string },
): string {
  // S3 URI-encodes each path segment once, from its decoded form, keeping RFC 3986's unreserved characters.
  const canonicalUri = r.path.split('/').map((segment) => uriEncode(decodeURIComponent(segment))).join('/') || '/';
  const canonicalQuery = [...r.query]
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const canonicalHeaders = r.signedHeaders.map((name) => `${name}:${(r.headers.get(name) ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const canonicalRequest = [r.method, canonicalUri, canonicalQuery, canonicalHeaders, r.signedHeaders.join(';'), r.payloadHash].join('\n');
  const date = r.amzDate.slice(0, 8);
  const scope = `${date}/${k.region}/${k.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', r.amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  let key: Buffer = Buffer.from(`AWS4${k.secret}`);
  for (const part of [date, k.region, k.service, 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
