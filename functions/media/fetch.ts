import type { MediaRef } from '../../shared/contracts/wa-event.ts';
import { MediaRefused } from './decrypt.ts';

/** WhatsApp's own media hosts (mmg.whatsapp.net, media-….cdn.whatsapp.net, media.f…-1.fna.whatsapp.net). */
const WHATSAPP_MEDIA_HOST = /^([a-z0-9-]+\.)*whatsapp\.net$/i;
const DEFAULT_HOST = 'https://mmg.whatsapp.net';
/** AES-CBC padding (up to 16 bytes) and the 10-byte MAC come on top of the file itself. */
const ENCRYPTION_OVERHEAD = 26;

export type FetchLimits = { maxBytes: number; timeoutMs: number };

/**
 * Where to fetch a message's encrypted file. Only from WhatsApp's media hosts over https (and, locally,
 * the stand-in): the URL comes from a customer's message, and must never make us call anything else.
 * Like WhatsApp's clients, the direct path is preferred, on the host the URL names when it is allowed.
 */
/** `extraOrigins`: local mode only, the stand-in of WhatsApp's media servers. */
export function mediaSource(ref: Pick<MediaRef, 'url' | 'directPath'>, extraOrigins: readonly string[]): URL {
  const parsed = ref.url && URL.canParse(ref.url) ? new URL(ref.url) : undefined;
  const url = parsed && allowed(parsed, extraOrigins) ? parsed : undefined;
  const origin = url?.origin ?? DEFAULT_HOST;
  const path = ref.directPath?.startsWith('/') ? ref.directPath : url ? url.pathname + url.search : undefined;
  if (!path) throw new MediaRefused(parsed ? 'the file is not on a WhatsApp media host' : 'the message names no file to fetch');
  const source = new URL(path, origin);
  if (source.origin !== origin || !allowed(source, extraOrigins)) throw new MediaRefused('the file is not on a WhatsApp media host');
  return source;
}

function allowed(url: URL, extraOrigins: readonly string[]): boolean {
  return (url.protocol === 'https:' && WHATSAPP_MEDIA_HOST.test(url.hostname) && url.port === '') || extraOrigins.includes(url.origin);
}

/** The waits before the second and third attempts: WhatsApp's servers recover from a hiccup in moments. */
export const RETRY_DELAYS_MS = [250, 1_000] as const;

/** A failure that a moment later may not happen again: the network, a timeout, a 5xx, a 429. */
class Transient extends Error {
  override name = 'Transient';
}

/**
 * Fetches the encrypted file, stopping as soon as it would exceed the cap. A transient failure is
 * tried again (at most three attempts, after RETRY_DELAYS_MS), all within `timeoutMs` overall so the
 * inbound hook keeps its time budget; one attempt never takes more than half of it, so that a stalled
 * connection leaves time for another. A definitive answer (gone, too large, a redirect, another 4xx)
 * is not retried. Throws MediaRefused for what WhatsApp will never serve, Error for the rest.
 */
export async function fetchEncrypted(source: URL, announcedSize: number | null, limits: FetchLimits): Promise<Uint8Array> {
  if (announcedSize !== null && announcedSize > limits.maxBytes) throw tooLarge(limits.maxBytes);
  const deadline = Date.now() + limits.timeoutMs;
  for (let attempt = 1; ; attempt++) {
    const signal = AbortSignal.timeout(Math.min(deadline - Date.now(), limits.timeoutMs / 2));
    try {
      return await fetchOnce(source, limits.maxBytes, signal);
    } catch (err) {
      if (!(err instanceof Transient)) throw err;
      const delay = RETRY_DELAYS_MS[attempt - 1];
      if (delay === undefined || deadline - Date.now() < delay + MIN_ATTEMPT_MS) {
        throw new Error(attempt === 1 ? err.message : `${err.message} (${attempt} attempts)`);
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** An attempt with less time than this left is not worth starting. */
const MIN_ATTEMPT_MS = 500;

async function fetchOnce(source: URL, maxBytes: number, signal: AbortSignal): Promise<Uint8Array> {
  const cap = maxBytes + ENCRYPTION_OVERHEAD;
  const res = await fetch(source, {
    headers: { Origin: 'https://web.whatsapp.com' },
    // A redirect could lead anywhere: WhatsApp's hosts answer directly.
    redirect: 'manual',
    signal,
  }).catch((err: unknown) => {
    throw unreachable(err);
  });
  if (!res.ok) {
    await res.body?.cancel();
    if (res.status === 404 || res.status === 410) throw new MediaRefused(`WhatsApp no longer has the file (HTTP ${res.status})`);
    const answered = `WhatsApp's media server answered HTTP ${res.status}`;
    throw res.status >= 500 || res.status === 429 || res.status === 408 ? new Transient(answered) : new Error(answered);
  }
  if (Number(res.headers.get('content-length') ?? 0) > cap) {
    await res.body?.cancel();
    throw tooLarge(maxBytes);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body!.getReader();
  const next = () =>
    reader.read().catch((err: unknown) => {
      throw unreachable(err);
    });
  for (let read = await next(); !read.done; read = await next()) {
    total += read.value.length;
    if (total > cap) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    chunks.push(read.value);
  }
  const file = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    file.set(c, at);
    at += c.length;
  }
  return file;
}

/** The network failed or the attempt ran out of time (each runtime words it its own way): worth another try. */
function unreachable(err: unknown): Transient {
  const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
  return new Transient(timedOut ? "WhatsApp's media server did not answer in time" : `WhatsApp's media server could not be reached (${err instanceof Error ? err.message : String(err)})`);
}

const tooLarge = (max: number) => new MediaRefused(`the file is larger than MEDIA_MAX_BYTES (${max} bytes)`);
