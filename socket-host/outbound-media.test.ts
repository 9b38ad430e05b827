import { Receiver } from '@upstash/qstash';
import { describe, expect, it } from 'vitest';
import { QSTASH_DEV_CREDENTIALS } from '../shared/config/qstash-dev-credentials.ts';
import { createMediaDownloader, MediaGone, mediaContent } from './outbound-media.ts';

const signingKey = QSTASH_DEV_CREDENTIALS.QSTASH_CURRENT_SIGNING_KEY;
const ref = (url: string) => ({ type: 'image' as const, mimeType: 'image/png', url });

/** A fetch that answers `status` and records what it was asked. */
function fakeFetch(status: number, body = new Uint8Array([1, 2, 3])) {
  const calls: { url: string; signature: string | null }[] = [];
  const fetch = (async (input: URL | RequestInfo, init?: RequestInit) => {
    calls.push({ url: String(input), signature: new Headers(init?.headers).get('upstash-signature') });
    return new Response(status === 200 ? body : 'no', { status });
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

describe('the socket-host fetching a file to send', () => {
  it('signs its GET as QStash does, so the functions’ /hooks accept it', async () => {
    const f = fakeFetch(200);
    const download = createMediaDownloader({ publicUrl: 'https://fn.example.com', signingKey, fetch: f.fetch });
    const bytes = await download(ref('https://fn.example.com/hooks/media/abc'));
    expect([...bytes]).toEqual([1, 2, 3]);
    const receiver = new Receiver({ currentSigningKey: signingKey, nextSigningKey: QSTASH_DEV_CREDENTIALS.QSTASH_NEXT_SIGNING_KEY });
    await expect(receiver.verify({ signature: f.calls[0]!.signature!, body: '', url: 'https://fn.example.com/hooks/media/abc' })).resolves.toBe(true);
  });

  it('fetches only from PUBLIC_URL: a /send naming another host gets nothing signed', async () => {
    const f = fakeFetch(200);
    const download = createMediaDownloader({ publicUrl: 'https://fn.example.com', signingKey, fetch: f.fetch });
    await expect(download(ref('https://evil.example.net/hooks/media/abc'))).rejects.toBeInstanceOf(MediaGone);
    expect(f.calls).toEqual([]);
  });

  it('tells a file that is gone (final) from a passing failure (retried with the send)', async () => {
    const gone = createMediaDownloader({ publicUrl: 'https://fn.example.com', signingKey, fetch: fakeFetch(404).fetch });
    await expect(gone(ref('https://fn.example.com/hooks/media/x'))).rejects.toBeInstanceOf(MediaGone);
    const busy = createMediaDownloader({ publicUrl: 'https://fn.example.com', signingKey, fetch: fakeFetch(503).fetch });
    const err = await busy(ref('https://fn.example.com/hooks/media/x')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(MediaGone);
  });

  it('builds Baileys’ content: a caption on images and documents, a voice note as ptt audio', () => {
    const bytes = new Uint8Array([9]);
    expect(mediaContent(ref('https://x/1'), bytes, 'Cake')).toMatchObject({ image: Buffer.from([9]), mimetype: 'image/png', caption: 'Cake' });
    expect(mediaContent({ type: 'document', mimeType: 'application/pdf', url: 'https://x/1', fileName: 'menu.pdf' }, bytes, '')).toEqual({
      document: Buffer.from([9]),
      mimetype: 'application/pdf',
      fileName: 'menu.pdf',
    });
    expect(mediaContent({ type: 'voice', mimeType: 'audio/ogg; codecs=opus', url: 'https://x/1' }, bytes, '')).toMatchObject({ ptt: true });
  });
});
