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

/** Fetches the encrypted file, stopping as soon as it would exceed the cap. */
export async function fetchEncrypted(source: URL, announcedSize: number | null, limits: FetchLimits): Promise<Uint8Array> {
  const cap = limits.maxBytes + ENCRYPTION_OVERHEAD;
  if (announcedSize !== null && announcedSize > limits.maxBytes) throw tooLarge(limits.maxBytes);
  const res = await fetch(source, {
    headers: { Origin: 'https://web.whatsapp.com' },
    // A redirect could lead anywhere: WhatsApp's hosts answer directly.
    redirect: 'manual',
    signal: AbortSignal.timeout(limits.timeoutMs),
  });
  if (!res.ok) {
    await res.body?.cancel();
    if (res.status === 404 || res.status === 410) throw new MediaRefused(`WhatsApp no longer has the file (HTTP ${res.status})`);
    throw new Error(`WhatsApp's media server answered HTTP ${res.status}`);
  }
  if (Number(res.headers.get('content-length') ?? 0) > cap) {
    await res.body?.cancel();
    throw tooLarge(limits.maxBytes);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body!.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    total += read.value.length;
    if (total > cap) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limits.maxBytes);
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

const tooLarge = (max: number) => new MediaRefused(`the file is larger than MEDIA_MAX_BYTES (${max} bytes)`);
