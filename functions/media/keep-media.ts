import { and, eq, sql } from 'drizzle-orm';
import { messages, type StoredMedia } from '../../drizzle/schema.ts';
import type { Services } from '../services.ts';
import type { StoredMessage } from '../pipeline/store-message.ts';
import { newMediaKey } from './bucket.ts';
import { decryptMedia, MediaRefused } from './decrypt.ts';
import { fetchEncrypted, mediaSource } from './fetch.ts';
import { pdfText } from './pdf-text.ts';
import { transcribeAudio } from './transcribe.ts';

/** How long fetching one file from WhatsApp may take inside the inbound hook. */
export const MEDIA_FETCH_TIMEOUT_MS = 20_000;

type Outcome = Pick<StoredMedia, 'stored' | 'unavailable'> & { bytes?: Uint8Array };

/**
 * Fetches, decrypts and keeps a media message's file, once: the outcome is written into the message's
 * `media` only if no delivery wrote one before, so a redelivered event neither fetches nor stores
 * again. What WhatsApp serves wrong (tampered, too large, gone, unreachable) makes the media
 * `unavailable` with the reason; a bucket that fails is our fault and throws (the queue retries).
 * What the agent reads of it is recorded in `transcript`: a voice note's or audio file's words, made
 * in the same step and written with the outcome, and a PDF's text, read just after the outcome is
 * written (see readPdfAfterwards). So a redelivery never transcribes or extracts again; one that
 * fails leaves none (the agent then says it could not listen or read). Costs one database round trip
 * and one fetch per media message (retried when WhatsApp's server fails for a moment), one more round
 * trip per PDF, and one transcription per voice note; nothing for any other message.
 */
export async function keepMedia(s: Services, message: StoredMessage): Promise<StoredMessage> {
  const media = message.media;
  if (!media || media.stored || media.unavailable !== undefined) return message;
  const started = performance.now();
  const { bytes, ...outcome } = await fetchAndKeep(s, message.type, media);
  // A PDF is read only after its outcome is recorded: pdf.js can take more CPU than a platform allows
  // (Workers Free: 10 ms), and a hook killed while reading must not read again on every retry. The
  // retry then finds the file kept without text, and the agent says it could not read it.
  const pdf = bytes !== undefined && isPdf(message.type, media.mimeType);
  const transcript = bytes && !pdf ? await readable(s, message.type, bytes, media.mimeType) : null;
  const [updated] = await s.db
    .update(messages)
    .set({ media: sql`${messages.media} || ${JSON.stringify(outcome)}::jsonb`, transcript, updatedAt: sql`now()` })
    .where(and(eq(messages.id, message.id), sql`${messages.media}->'stored' is null and ${messages.media}->'unavailable' is null`))
    .returning();
  const ms = Math.round(performance.now() - started);
  if (updated && pdf) return await readPdfAfterwards(s, updated, bytes!, started);
  if (updated) {
    s.log.info(
      { messageId: message.id, type: message.type, bytes: outcome.stored?.size, unavailable: outcome.unavailable, read: transcript !== null, ms },
      'media kept',
    );
    return updated;
  }
  // Another delivery of the same message got there first: its file is the one recorded.
  if (outcome.stored) await s.media!.delete(outcome.stored.key);
  const [current] = await s.db.select().from(messages).where(eq(messages.id, message.id));
  return current ?? message;
}

async function fetchAndKeep(s: Services, type: string, media: StoredMedia): Promise<Outcome> {
  if (!s.media) return { unavailable: 'no media storage is configured' };
  let bytes: Uint8Array;
  try {
    if (!media.mediaKey) throw new MediaRefused('the message carries no media key');
    const extraOrigins = s.config.MODE === 'local' && s.config.MEDIA_CDN_URL ? [new URL(s.config.MEDIA_CDN_URL).origin] : [];
    const source = mediaSource(media, extraOrigins);
    const file = await fetchEncrypted(source, media.size, { maxBytes: s.config.MEDIA_MAX_BYTES, timeoutMs: MEDIA_FETCH_TIMEOUT_MS });
    bytes = await decryptMedia(type, fromBase64(media.mediaKey), file, {
      fileSha256: media.fileSha256 ? fromBase64(media.fileSha256) : null,
      fileEncSha256: media.fileEncSha256 ? fromBase64(media.fileEncSha256) : null,
    });
    if (bytes.length > s.config.MEDIA_MAX_BYTES) throw new MediaRefused(`the file is larger than MEDIA_MAX_BYTES (${s.config.MEDIA_MAX_BYTES} bytes)`);
  } catch (err) {
    const reason = err instanceof MediaRefused ? err.message : `it could not be fetched from WhatsApp (${(err as Error).message})`;
    s.log.warn({ type, reason }, 'media unavailable');
    return { unavailable: reason };
  }
  const key = newMediaKey();
  await s.media.put(key, bytes);
  return { stored: { key, size: bytes.length }, bytes };
}

/** What the agent reads of a kept file (see keepMedia), or null; a PDF is read by readPdfAfterwards. */
async function readable(s: Services, type: string, bytes: Uint8Array, mimeType: string | null): Promise<string | null> {
  if (type === 'voice' || type === 'audio') return await transcribe(s, bytes, mimeType);
  return null;
}

const isPdf = (type: string, mimeType: string | null) => type === 'document' && mimeType?.split(';')[0]!.trim().toLowerCase() === 'application/pdf';

/** The second step for a PDF (one more round trip, for PDFs only): its text, recorded if none was. */
async function readPdfAfterwards(s: Services, kept: StoredMessage, bytes: Uint8Array, started: number): Promise<StoredMessage> {
  const text = await extractPdfText(s, bytes);
  const [updated] = text
    ? await s.db
        .update(messages)
        .set({ transcript: text, updatedAt: sql`now()` })
        .where(and(eq(messages.id, kept.id), sql`${messages.transcript} is null`))
        .returning()
    : [];
  s.log.info({ messageId: kept.id, type: kept.type, bytes: bytes.length, read: text !== null, ms: Math.round(performance.now() - started) }, 'media kept');
  return updated ?? kept;
}

/** A PDF's text, or null when it has none (a scan) or cannot be opened: the agent says it could not read it. */
async function extractPdfText(s: Services, bytes: Uint8Array): Promise<string | null> {
  try {
    const text = await pdfText(bytes);
    if (text === null) s.log.info({ bytes: bytes.length }, 'the PDF has no text to extract (a scan?); the agent will say it could not read it');
    return text;
  } catch (err) {
    s.log.warn({ err: (err as Error).message }, 'the PDF could not be read; the agent will say it could not read it');
    return null;
  }
}

/** The audio's words, or null when no model is configured or it fails: the message is answered anyway. */
async function transcribe(s: Services, bytes: Uint8Array, mimeType: string | null): Promise<string | null> {
  if (!s.config.AI_TRANSCRIPTION_MODEL) return null;
  try {
    return await transcribeAudio(s.config, bytes, mimeType);
  } catch (err) {
    s.log.warn({ err: (err as Error).message }, 'transcription failed; the agent will say it could not listen');
    return null;
  }
}

function fromBase64(b64: string): Uint8Array {
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}
