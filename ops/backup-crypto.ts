/**
 * Encrypted backups (`npm run backup -- --out FILE --encrypt`, read back by `npm run restore`): the
 * gzip file of backup-format.ts sealed with AES-256-GCM under a key derived from the BACKUP_KEY
 * passphrase by scrypt, with node:crypto only, so the same code runs on a laptop and a CI runner.
 *
 * The file: one readable line, `ia_agent-backup-encrypted 1 {json}\n` (the scrypt parameters, a
 * random salt and IV, and a key check), then the ciphertext, then GCM's 16-byte tag. The line is the
 * cipher's additional data, so changing it is caught like changing the ciphertext. The key check
 * (SHA-256 of a second scrypt output, never the key) tells a wrong key from a damaged file.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, openSync, readSync, closeSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { BackupFileError } from './backup-format.ts';

const MAGIC = 'ia_agent-backup-encrypted';
const VERSION = 1;
const TAG_BYTES = 16;
/** N = 2^15 costs 32 MiB and about 0.2 s per derivation (measured): slow to guess, quick to use. */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1 };
const MIN_KEY_CHARS = 16;

type Params = { kdf: 'scrypt'; N: number; r: number; p: number; salt: string; cipher: 'aes-256-gcm'; iv: string; keyCheck: string };

/** BACKUP_KEY is missing, too weak to encrypt with, or not the one the file was made with. */
export class BackupKeyError extends Error {}

const derive = promisify(scrypt) as (key: string, salt: Buffer, length: number, options: object) => Promise<Buffer>;

async function keys(passphrase: string, p: Pick<Params, 'N' | 'r' | 'p' | 'salt'>) {
  const bytes = await derive(passphrase, Buffer.from(p.salt, 'base64'), 64, { N: p.N, r: p.r, p: p.p, maxmem: 256 * p.N * p.r });
  return { key: bytes.subarray(0, 32), check: createHash('sha256').update(bytes.subarray(32)).digest('base64') };
}

/** The passphrase from the environment; `purpose` completes the sentence when it is missing. */
export function backupKey(env: NodeJS.ProcessEnv, purpose: string): string {
  const key = env.BACKUP_KEY;
  if (!key) throw new BackupKeyError(`BACKUP_KEY is not set: ${purpose}.`);
  return key;
}

/** Refuses a passphrase too short to stand up to guessing, before anything is read or written. */
export function assertStrongKey(passphrase: string): string {
  if (passphrase.length < MIN_KEY_CHARS) {
    throw new BackupKeyError(`BACKUP_KEY is too short to protect a backup (${passphrase.length} characters, at least ${MIN_KEY_CHARS}); make one with: openssl rand -base64 32`);
  }
  return passphrase;
}

/** Seals `plain` into `out` (through `out.partial`, so a failure never leaves a half file at `out`). */
export async function encryptFile(plain: string, out: string, passphrase: string): Promise<void> {
  assertStrongKey(passphrase);
  const salt = randomBytes(16).toString('base64');
  const { key, check } = await keys(passphrase, { ...SCRYPT, salt });
  const params: Params = { kdf: 'scrypt', ...SCRYPT, salt, cipher: 'aes-256-gcm', iv: randomBytes(12).toString('base64'), keyCheck: check };
  const line = Buffer.from(`${MAGIC} ${VERSION} ${JSON.stringify(params)}\n`);
  const cipher = createCipheriv('aes-256-gcm', key, Buffer.from(params.iv, 'base64'));
  cipher.setAAD(line);
  const partial = `${out}.partial`;
  try {
    await pipeline(
      createReadStream(plain),
      async function* (source: AsyncIterable<Buffer>) {
        yield line;
        for await (const chunk of source) yield cipher.update(chunk);
        yield cipher.final();
        yield cipher.getAuthTag();
      },
      createWriteStream(partial),
    );
    renameSync(partial, out);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
}

/** True when `file` starts as encryptFile writes; a missing file is left for the reader to name. */
export function isEncrypted(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return false;
  }
  try {
    const head = Buffer.alloc(MAGIC.length);
    return readSync(fd, head, 0, head.length, 0) === head.length && head.toString('latin1') === MAGIC;
  } finally {
    closeSync(fd);
  }
}

function readParams(file: string): { line: Buffer; params: Params } {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(4096);
    const read = readSync(fd, head, 0, head.length, 0);
    const end = head.subarray(0, read).indexOf(0x0a);
    const line = head.subarray(0, end + 1);
    const [magic, version, json] = line.toString('utf8').trimEnd().split(' ', 3);
    if (end < 0 || magic !== MAGIC) throw new BackupFileError(`${file} is damaged: its encryption header is unreadable.`);
    if (Number(version) !== VERSION) throw new BackupFileError(`${file} is encrypted in format ${version}; this version of ia_agent reads format ${VERSION}.`);
    try {
      const params = JSON.parse(json ?? '') as Params;
      // Bounded: the parameters come from the file, and scrypt's memory grows with N × r.
      const sane = [params.N, params.r, params.p].every(Number.isInteger) && params.N <= 2 ** 20 && params.r <= 32 && params.p <= 16 && Buffer.from(String(params.iv), 'base64').length === 12;
      if (params.kdf === 'scrypt' && params.cipher === 'aes-256-gcm' && sane && params.salt && params.iv && params.keyCheck) return { line, params };
    } catch {
      // Said below, as any other unreadable header.
    }
    throw new BackupFileError(`${file} is damaged: its encryption header is unreadable.`);
  } finally {
    closeSync(fd);
  }
}

/**
 * Opens `file` into `out` (through `out.partial`). Nothing is left at `out` unless every byte
 * authenticated: a wrong key and a changed or cut-short file are each refused with their sentence.
 */
export async function decryptFile(file: string, out: string, passphrase: string): Promise<void> {
  const { line, params } = readParams(file);
  const { key, check } = await keys(passphrase, params);
  const expected = Buffer.from(params.keyCheck);
  if (expected.length !== check.length || !timingSafeEqual(Buffer.from(check), expected)) {
    throw new BackupKeyError(`BACKUP_KEY is not the key ${basename(file)} was encrypted with; use the key that was set when it was made (runbook "Rotate the backup key").`);
  }
  const size = statSync(file).size;
  const damaged = () => new BackupFileError(`${file} is damaged: its encrypted data does not authenticate (changed, or cut short); use another copy.`);
  if (size < line.length + TAG_BYTES) throw damaged();
  const tag = Buffer.alloc(TAG_BYTES);
  const fd = openSync(file, 'r');
  readSync(fd, tag, 0, TAG_BYTES, size - TAG_BYTES);
  closeSync(fd);
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(params.iv, 'base64'));
  decipher.setAAD(line);
  decipher.setAuthTag(tag);
  const partial = `${out}.partial`;
  try {
    const body = size - TAG_BYTES - line.length;
    await pipeline(
      body > 0 ? createReadStream(file, { start: line.length, end: size - TAG_BYTES - 1 }) : [],
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) yield decipher.update(chunk);
        try {
          yield decipher.final();
        } catch {
          throw damaged();
        }
      },
      createWriteStream(partial),
    );
    renameSync(partial, out);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
}

/**
 * The plain backup behind `file`: the file itself, or, when it is encrypted, a private temporary copy
 * opened with BACKUP_KEY and removed by `done()`.
 */
export async function openBackupFile(file: string, env: NodeJS.ProcessEnv): Promise<{ path: string; done: () => void }> {
  if (!isEncrypted(file)) return { path: file, done: () => undefined };
  const passphrase = backupKey(env, `${basename(file)} is encrypted; set it to the key it was made with`);
  const dir = mkdtempSync(join(tmpdir(), 'ia-agent-restore-'));
  const done = () => rmSync(dir, { recursive: true, force: true });
  try {
    const path = join(dir, basename(file).replace(/\.enc$/, ''));
    await decryptFile(file, path, passphrase);
    return { path, done };
  } catch (error) {
    done();
    throw error;
  }
}
