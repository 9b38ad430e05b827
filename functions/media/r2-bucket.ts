import type { MediaBucket } from './bucket.ts';

/** The part of a Workers R2 binding (`R2Bucket`) the functions use, typed by its shape. */
type R2Binding = {
  put(key: string, value: Uint8Array): Promise<unknown>;
  get(key: string): Promise<{ arrayBuffer(): Promise<ArrayBuffer> } | null>;
  delete(key: string): Promise<void>;
};

export function isR2Binding(v: unknown): v is R2Binding {
  const b = v as Partial<R2Binding> | null;
  return typeof b?.put === 'function' && typeof b.get === 'function' && typeof b.delete === 'function';
}

/** Cloudflare R2 through the Worker's `MEDIA_BUCKET` binding (no keys, no S3 signing). */
export class R2MediaBucket implements MediaBucket {
  private readonly r2: R2Binding;
  constructor(r2: R2Binding) {
    this.r2 = r2;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    await this.r2.put(key, bytes);
  }

  async get(key: string): Promise<Uint8Array | null> {
    const object = await this.r2.get(key);
    return object ? new Uint8Array(await object.arrayBuffer()) : null;
  }

  async delete(key: string): Promise<void> {
    await this.r2.delete(key);
  }
}
