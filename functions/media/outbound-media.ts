import type { StoredMedia } from '../../drizzle/schema.ts';
import type { OutboundMediaType } from '../../shared/contracts/send-request.ts';
import { ApiError } from '../errors.ts';
import type { Services } from '../services.ts';
import { webhookUrlProblem } from '../webhooks/webhook-url.ts';
import { newMediaKey } from './bucket.ts';

/** A file as `POST /v1/messages` and `POST /v1/conversations/{id}/messages` take it. */
export type OutboundMediaInput = {
  type: OutboundMediaType;
  url?: string;
  data?: string;
  mimeType?: string;
  fileName?: string;
};

/** A file checked and kept in the media bucket, ready to be stored with its message. */
export type KeptOutboundMedia = { type: OutboundMediaType; media: StoredMedia; key: string };

const FETCH_TIMEOUT_MS = 20_000;
const MAX_REDIRECTS = 3;

/**
 * What WhatsApp sends as each type (its own lists): anything else is refused by name before a byte is
 * kept, rather than failing later on the phone. A document may be any file.
 */
const ACCEPTED: Record<Exclude<OutboundMediaType, 'document'>, string[]> = {
  image: ['image/jpeg', 'image/png'],
  video: ['video/mp4', 'video/3gpp'],
  audio: ['audio/aac', 'audio/mp4', 'audio/mpeg', 'audio/amr', 'audio/ogg'],
  voice: ['audio/ogg'],
};

const tooLarge = (s: Services, field: string) =>
  new ApiError('PAYLOAD_TOO_LARGE', `${field}: the file is larger than MEDIA_MAX_BYTES (${describeBytes(s.config.MEDIA_MAX_BYTES)}).`, {}, [
    { field, message: `is larger than ${describeBytes(s.config.MEDIA_MAX_BYTES)}` },
  ]);

const invalid = (field: string, message: string) => new ApiError('VALIDATION_FAILED', `${field}: ${message}`, {}, [{ field, message }]);

/**
 * Checks a file to send and keeps it in the media bucket: base64 decoded, or fetched from a public
 * https URL (any http URL locally), within MEDIA_MAX_BYTES, of a type WhatsApp sends. Every problem is
 * a 4xx naming its field; nothing is kept unless all is well. The caller stores the message with
 * `media`, and deletes `key` if it ends up not using it.
 */
export async function keepOutboundMedia(s: Services, input: OutboundMediaInput, field = 'media'): Promise<KeptOutboundMedia> {
  if (!s.media) throw new ApiError('UNAVAILABLE', 'No media storage is configured, so files cannot be sent (see MEDIA_DIR, MEDIA_BUCKET).');
  const file = input.data !== undefined ? decodeData(s, input.data, `${field}.data`) : await download(s, input.url!, `${field}.url`);
  if (file.bytes.length === 0) throw invalid(input.data !== undefined ? `${field}.data` : `${field}.url`, 'the file is empty');
  const mimeType = normalizeMime(input.type, input.mimeType ?? file.mimeType ?? sniffMime(file.bytes));
  if (!mimeType) throw invalid(`${field}.mimeType`, `is required: the file's type could not be recognised`);
  const problem = mimeProblem(input.type, mimeType);
  if (problem) throw invalid(`${field}.mimeType`, problem);
  const fileName = input.fileName ?? (input.type === 'document' ? (file.fileName ?? 'file') : null);
  const key = newMediaKey();
  await s.media.put(key, file.bytes);
  const size = file.bytes.length;
  return {
    type: input.type,
    key,
    media: {
      mimeType,
      size,
      fileName,
      seconds: null,
      mediaKey: null,
      directPath: null,
      url: null,
      fileSha256: null,
      fileEncSha256: null,
      stored: { key, size },
    },
  };
}

type File = { bytes: Uint8Array; mimeType?: string; fileName?: string };

function decodeData(s: Services, data: string, field: string): File {
  const clean = data.replace(/\s+/g, '');
  const padding = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  // Judged before decoding: a 20 MB string is not turned into bytes only to be refused.
  if (Math.floor((clean.length * 3) / 4) - padding > s.config.MEDIA_MAX_BYTES) throw tooLarge(s, field);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 === 1) throw invalid(field, 'is not valid base64');
  let binary: string;
  try {
    binary = atob(clean);
  } catch {
    throw invalid(field, 'is not valid base64');
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return { bytes };
}

/**
 * Fetches the file a caller points to. Each hop of a redirect is judged as the first URL is (public
 * https in the cloud): a public address must not lead the functions into a private network.
 */
async function download(s: Services, url: string, field: string): Promise<File> {
  let target = url;
  for (let hop = 0; ; hop++) {
    const problem = webhookUrlProblem(target, s.config.MODE);
    if (problem) throw invalid(field, hop === 0 ? problem : `redirects to ${target}, which ${problem}`);
    let res: Response;
    try {
      res = await fetch(target, { redirect: 'manual', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    } catch (err) {
      throw invalid(field, `could not be fetched (${(err as Error).message})`);
    }
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      await res.body?.cancel();
      if (hop >= MAX_REDIRECTS) throw invalid(field, `redirects more than ${MAX_REDIRECTS} times`);
      target = new URL(location, target).toString();
      continue;
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw invalid(field, `could not be fetched: the server answered ${res.status}`);
    }
    const bytes = await readCapped(s, res, field);
    const type = res.headers.get('content-type')?.trim();
    return { bytes, mimeType: type && type !== 'application/octet-stream' ? type : undefined, fileName: fileNameOf(target) };
  }
}

async function readCapped(s: Services, res: Response, field: string): Promise<Uint8Array> {
  const max = s.config.MEDIA_MAX_BYTES;
  const announced = Number(res.headers.get('content-length') ?? NaN);
  if (announced > max) {
    await res.body?.cancel();
    throw tooLarge(s, field);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > max) {
      await reader.cancel();
      throw tooLarge(s, field);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

function fileNameOf(url: string): string | undefined {
  const last = new URL(url).pathname.split('/').pop();
  if (!last) return undefined;
  try {
    return decodeURIComponent(last).slice(0, 255) || undefined;
  } catch {
    return last.slice(0, 255);
  }
}

/** Lower case, and a voice note is always Opus in Ogg, as WhatsApp plays it (the codec named). */
function normalizeMime(type: OutboundMediaType, mime: string | undefined): string | undefined {
  if (!mime) return undefined;
  const [essence, ...params] = mime.split(';').map((p) => p.trim());
  const base = essence!.toLowerCase();
  if (type === 'voice' && base === 'audio/ogg') return 'audio/ogg; codecs=opus';
  return [base, ...params.filter(Boolean)].join('; ');
}

function mimeProblem(type: OutboundMediaType, mime: string): string | undefined {
  const essence = mime.split(';')[0]!;
  if (!/^[\w.+-]+\/[\w.+-]+$/.test(essence)) return 'must be a MIME type such as image/jpeg';
  if (type === 'document') return undefined;
  const accepted = ACCEPTED[type];
  if (accepted.includes(essence)) return undefined;
  const what = type === 'voice' ? 'a voice note' : type === 'audio' ? 'an audio file' : `an ${type}`;
  return `${essence} cannot be sent as ${what}; WhatsApp takes ${accepted.join(', ')}${type === 'voice' ? ' (Opus)' : ''}`;
}

/** The file's type from its first bytes, for the common kinds, when neither caller nor server named it. */
export function sniffMime(bytes: Uint8Array): string | undefined {
  const starts = (sig: number[], at = 0) => sig.every((b, i) => bytes[at + i] === b);
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x89, 0x50, 0x4e, 0x47])) return 'image/png';
  if (starts([0x25, 0x50, 0x44, 0x46])) return 'application/pdf';
  if (starts([0x4f, 0x67, 0x67, 0x53])) return 'audio/ogg';
  if (starts([0x49, 0x44, 0x33]) || starts([0xff, 0xfb])) return 'audio/mpeg';
  if (starts([0x66, 0x74, 0x79, 0x70], 4)) return 'video/mp4';
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  return undefined;
}

export function describeBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
