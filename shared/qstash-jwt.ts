/**
 * The `Upstash-Signature` JWT, built exactly as QStash builds it so that the real
 * `Receiver.verify()` of `@upstash/qstash` accepts it. HS256 via WebCrypto (no jose dependency).
 */

const encoder = new TextEncoder();
const keyCache = new Map<string, Promise<CryptoKey>>();

function base64url(bytes: Uint8Array | string): string {
  return Buffer.from(typeof bytes === 'string' ? encoder.encode(bytes) : bytes).toString('base64url');
}

function hmacKey(signingKey: string): Promise<CryptoKey> {
  let key = keyCache.get(signingKey);
  if (!key) {
    // QStash uses the UTF-8 bytes of the key string itself (`sig_…`) as the HMAC secret.
    key = crypto.subtle.importKey('raw', encoder.encode(signingKey), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
    ]);
    keyCache.set(signingKey, key);
  }
  return key;
}

/** base64url(SHA-256(body)) with `=` padding kept, as QStash writes the `body` claim. */
export async function bodyHashClaim(body: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', body)));
  return digest.padEnd(Math.ceil(digest.length / 4) * 4, '=');
}

export interface SignOptions {
  signingKey: string;
  /** The destination URL; becomes `sub`, which `Receiver.verify({ url })` compares. */
  url: string;
  body: Uint8Array<ArrayBuffer>;
  /** Issue time in unix seconds; tests pass a past value to produce an expired token. */
  issuedAt?: number;
}

export async function signQStashJwt(options: SignOptions): Promise<string> {
  const iat = options.issuedAt ?? Math.floor(Date.now() / 1000);
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const claims = {
    iss: 'Upstash',
    sub: options.url,
    exp: iat + 300,
    nbf: iat,
    iat,
    jti: `jwt_${base64url(crypto.getRandomValues(new Uint8Array(16)))}`,
    body: await bodyHashClaim(options.body),
  };
  const signingInput = `${header}.${base64url(JSON.stringify(claims))}`;
  const signature = await crypto.subtle.sign('HMAC', await hmacKey(options.signingKey), encoder.encode(signingInput));
  return `${signingInput}.${base64url(new Uint8Array(signature))}`;
}
