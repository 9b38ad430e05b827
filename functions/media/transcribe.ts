import type { FunctionsConfig } from '../../shared/config/functions-config.ts';

/**
 * How long one transcription may take inside the inbound hook: with the 20 s download and the
 * model's 30 s it mostly fits Vercel's 60 s; a hook cut off later is redelivered and finds both done.
 */
export const TRANSCRIPTION_TIMEOUT_MS = 15_000;

/**
 * A voice note's or audio file's words, from the OpenAI-compatible `/audio/transcriptions` endpoint
 * (OpenAI, Groq and local Whisper servers speak it) with `AI_TRANSCRIPTION_MODEL`. A plain fetch with
 * FormData: the `ai` SDK's OpenAI-compatible provider has no transcription model, and this runs on
 * Workers, Vercel and Node alike. Throws when nothing is configured or the endpoint fails.
 */
export async function transcribeAudio(config: FunctionsConfig, bytes: Uint8Array, mimeType: string | null): Promise<string> {
  if (!config.AI_BASE_URL || !config.AI_TRANSCRIPTION_MODEL) throw new Error('no transcription model is configured');
  const type = (mimeType ?? 'audio/ogg').split(';')[0]!.trim();
  const form = new FormData();
  // The endpoints read the format from the file name's extension.
  form.append('file', new Blob([bytes as Uint8Array<ArrayBuffer>], { type }), `audio.${EXTENSIONS[type] ?? 'ogg'}`);
  form.append('model', config.AI_TRANSCRIPTION_MODEL);
  const res = await fetch(`${config.AI_BASE_URL.replace(/\/+$/, '')}/audio/transcriptions`, {
    method: 'POST',
    headers: config.AI_API_KEY ? { authorization: `Bearer ${config.AI_API_KEY}` } : {},
    body: form,
    signal: AbortSignal.timeout(TRANSCRIPTION_TIMEOUT_MS),
  });
  if (!res.ok) throw new Error(`the transcription endpoint answered ${res.status}`);
  const body = (await res.json()) as { text?: unknown };
  if (typeof body.text !== 'string') throw new Error('the transcription endpoint answered no text');
  return body.text.trim();
}

const EXTENSIONS: Record<string, string> = {
  'audio/ogg': 'ogg',
  'audio/opus': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/mp4': 'm4a',
  'audio/m4a': 'm4a',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/webm': 'webm',
  'audio/flac': 'flac',
};
