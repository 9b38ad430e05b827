import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import type { TranscriptionRequest } from '../../test-support/fake-openai.ts';
import { round, summary } from './stats.ts';

/** The voice notes the bench sends, one at a time so that each time is the pipeline's, not a queue's. */
export const VOICE_SIZES = [
  { label: '5 KB', bytes: 5 * 1024 },
  { label: '1 MB', bytes: 1024 * 1024 },
] as const;

/**
 * A voice note's bytes: its bench token first (the fake transcription model "hears" it, so the reply
 * can be matched to the note), then noise, which does not compress (like Opus audio).
 */
export function voiceNote(token: string, size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  crypto.getRandomValues(bytes.subarray(0, Math.min(size, 65_536)));
  for (let at = 65_536; at < size; at += 65_536) bytes.copyWithin(at, 0, Math.min(65_536, size - at));
  bytes.set(new TextEncoder().encode(`${token} `));
  return bytes;
}

/** What the fake transcription model hears: the token the bench put at the start of the note. */
export function heard(req: TranscriptionRequest): string {
  const token = new TextDecoder().decode(req.bytes.subarray(0, 16)).match(/\bT\d+\b/)?.[0];
  return token ? `bench ${token}` : '';
}

type Counters = { qstash: number; database: number; subrequests: number; transcriptions: number; chats: number; bucketBytes: number };

export type VoiceDeps = {
  /** Sends one voice note of `size` bytes and resolves with its token once its reply left towards WhatsApp. */
  send(size: number): Promise<string>;
  /** The counters the bench reads at the stand-ins, the fake model and the functions' process. */
  counters(): Promise<Omit<Counters, 'bucketBytes'>>;
  /** Event in, and the reply's `/send` out, per token (wall clock, comparable across processes). */
  times(): Promise<{ inAt: Map<string, number>; sendLeftAt: Record<string, number> }>;
  mediaDir: string;
  /** A connection to the bench's database itself, outside the stand-ins (it counts no round trips). */
  database: pg.Client;
};

/**
 * Sends `count` voice notes of each size and measures, per note: event in → reply's `/send` out
 * (the fake model answers at once), transcription and chat calls, QStash messages, database round trips,
 * Workers subrequests, bytes in the media bucket and the inbound row's size in the database.
 */
export async function runVoicePhase(deps: VoiceDeps, count: number) {
  const results = [];
  for (const size of VOICE_SIZES) {
    const before = { ...(await deps.counters()), bucketBytes: bucketBytes(deps.mediaDir) };
    const tokens: string[] = [];
    for (let i = 0; i < count; i++) tokens.push(await deps.send(size.bytes));
    const after = { ...(await deps.counters()), bucketBytes: bucketBytes(deps.mediaDir) };
    const { inAt, sendLeftAt } = await deps.times();
    const endToEnd = tokens.map((t) => sendLeftAt[t]! - inAt.get(t)!).filter((ms) => Number.isFinite(ms));
    const per = (key: keyof Counters) => round((after[key] - before[key]) / count, 2);
    const rows = await deps.database.query(
      `select round(avg(pg_column_size(m.*))) as bytes from messages m where type = 'voice' and transcript = any($1)`,
      [tokens.map((t) => `bench ${t}`)],
    );
    results.push({
      size: size.label,
      bytes: size.bytes,
      notes: count,
      endToEndMs: summary(endToEnd),
      transcriptionCalls: per('transcriptions'),
      chatModelCalls: per('chats'),
      bucketBytes: per('bucketBytes'),
      databaseRowBytes: Number(rows.rows[0]?.bytes ?? 0),
      qstashMessages: per('qstash'),
      databaseRoundTrips: per('database'),
      workersSubrequests: per('subrequests'),
    });
  }
  return results;
}

/** Bytes in the local media bucket (a folder, possibly with subfolders). */
function bucketBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}
