/** The stand-in's state (pending messages, DLQ, queues, dedup ids) and its optional JSON file. */
import { readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { FlowControl } from './flow-control.ts';

export interface StoredMessage {
  messageId: string;
  url: string;
  method: string;
  /** Headers delivered to the destination: Content-Type and the `Upstash-Forward-*` ones, unprefixed. */
  headers: [string, string][];
  /** Raw body bytes; base64 so binary bodies survive the JSON file byte-for-byte. */
  bodyBase64: string;
  createdAt: number;
  /** Unix ms before which the first attempt must not happen. */
  notBefore: number;
  /** Unix ms of the next attempt. */
  dueAt: number;
  /** Retries made so far; sent as `Upstash-Retried`. */
  retried: number;
  maxRetries: number;
  retryDelay?: string;
  timeoutMs?: number;
  queueName?: string;
  /** Publish order; queues deliver in this order. */
  seq: number;
  /** Set once the first attempt began: a queued message holds its queue slot until it finishes. */
  started: boolean;
  callback?: string;
  failureCallback?: string;
  /** `Upstash-Label` as sent: one label or a comma-separated list. */
  label?: string;
  flowControl?: FlowControl;
}

export interface DlqEntry {
  dlqId: string;
  message: StoredMessage;
  failedAt: number;
  responseStatus?: number;
  responseHeader?: Record<string, string[]>;
  responseBody?: string;
  /** Network error or timeout of the last attempt, when there was no HTTP response. */
  error?: string;
}

export interface QueueInfo {
  name: string;
  parallelism: number;
  paused: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface DedupEntry {
  messageId: string;
  url: string;
  expiresAt: number;
}

export interface State {
  seq: number;
  messages: Map<string, StoredMessage>;
  dlq: Map<string, DlqEntry>;
  queues: Map<string, QueueInfo>;
  dedup: Map<string, DedupEntry>;
  /** Billed messages of the current UTC day, for the plan's daily limit. */
  usage?: { day: string; count: number };
}

interface StateFile {
  version: 1;
  seq: number;
  messages: StoredMessage[];
  dlq: DlqEntry[];
  queues: QueueInfo[];
  dedup: [string, DedupEntry][];
  usage?: { day: string; count: number };
}

export function emptyState(): State {
  return { seq: 0, messages: new Map(), dlq: new Map(), queues: new Map(), dedup: new Map() };
}

/** Synchronous on purpose: it runs once at start-up, and the factory returning the app is synchronous. */
export function loadState(dataFile: string | undefined): State {
  if (!dataFile) return emptyState();
  let text: string;
  try {
    text = readFileSync(dataFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
    throw error;
  }
  const file = JSON.parse(text) as StateFile;
  if (file.version !== 1) throw new Error(`${dataFile}: unsupported QStash stand-in state version ${String(file.version)}`);
  return {
    seq: file.seq,
    messages: new Map(file.messages.map((m) => [m.messageId, m])),
    dlq: new Map(file.dlq.map((d) => [d.dlqId, d])),
    queues: new Map(file.queues.map((q) => [q.name, q])),
    dedup: new Map(file.dedup),
    ...(file.usage && { usage: file.usage }),
  };
}

function serialize(state: State, now: number): string {
  const file: StateFile = {
    version: 1,
    seq: state.seq,
    messages: [...state.messages.values()],
    dlq: [...state.dlq.values()],
    queues: [...state.queues.values()],
    dedup: [...state.dedup].filter(([, entry]) => entry.expiresAt > now),
    ...(state.usage && { usage: state.usage }),
  };
  return JSON.stringify(file);
}

/**
 * Returns `persist()`: resolves once a write that includes every change made before the call
 * is on disk. Calls made while a write is running share the next write, so a burst of publishes
 * costs a couple of file writes rather than one each.
 */
export function createPersister(dataFile: string | undefined, state: State): () => Promise<void> {
  if (!dataFile) return () => Promise.resolve();
  const file = dataFile;
  let writing: Promise<void> = Promise.resolve();
  let next: Promise<void> | undefined;

  const write = async (): Promise<void> => {
    await mkdir(dirname(file), { recursive: true });
    // Write-then-rename: a crash mid-write leaves the previous complete file, never half of one.
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, serialize(state, Date.now()));
    await rename(tmp, file);
  };

  return () => {
    if (!next) {
      next = writing.catch(() => undefined).then(() => {
        next = undefined;
        writing = write();
        return writing;
      });
    }
    return next;
  };
}
