import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MEDIA_KEY, type MediaBucket } from './bucket.ts';

/** The local stand-in of a bucket: one file per key in a folder (`.data/media` by default). */
export class LocalFolderBucket implements MediaBucket {
  private readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    // The message names the key only once this write finished: a half-written file is never served.
    await writeFile(this.path(key), bytes);
  }

  async get(key: string): Promise<Uint8Array | null> {
    try {
      return new Uint8Array(await readFile(this.path(key)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  private path(key: string): string {
    // Keys are ours, but a path is built from them: never let one leave the folder.
    if (!MEDIA_KEY.test(key)) throw new Error('not a media key');
    return join(this.dir, key);
  }
}
