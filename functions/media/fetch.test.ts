import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { listen } from '../../local/listen.ts';
import { fetchEncrypted, mediaSource } from './fetch.ts';

const path = '/v/t62.7117-24/123_n.enc?ccb=11-4&oh=01_Q5AaI&oe=68A1B2C3';
const STAND_IN = 'http://127.0.0.1:9999';

describe('where media is fetched from: WhatsApp’s media hosts only (the URL comes from a customer’s message)', () => {
  it('the direct path on the host the URL names, when that is a WhatsApp media host', () => {
    expect(mediaSource({ directPath: path, url: `https://mmg.whatsapp.net${path}&mms3=true` }, []).href).toBe(`https://mmg.whatsapp.net${path}`);
    expect(mediaSource({ directPath: path, url: `https://media-gru2-1.cdn.whatsapp.net${path}` }, []).origin).toBe('https://media-gru2-1.cdn.whatsapp.net');
    expect(mediaSource({ directPath: path, url: null }, []).origin).toBe('https://mmg.whatsapp.net');
  });

  it.each([
    'http://169.254.169.254/latest/meta-data',
    'http://mmg.whatsapp.net/v/x.enc',
    'https://mmg.whatsapp.net.evil.example/v/x.enc',
    'https://evilwhatsapp.net/v/x.enc',
    'https://mmg.whatsapp.net:8443/v/x.enc',
    `${STAND_IN}/v/x.enc`,
  ])('%s is never fetched: with a direct path WhatsApp’s own host is used, without one it is refused', (url) => {
    expect(mediaSource({ directPath: path, url }, []).origin).toBe('https://mmg.whatsapp.net');
    expect(() => mediaSource({ directPath: null, url }, [])).toThrow('not on a WhatsApp media host');
  });

  it('a direct path cannot point elsewhere', () => {
    expect(() => mediaSource({ directPath: '//evil.example/x', url: null }, [])).toThrow('not on a WhatsApp media host');
    expect(() => mediaSource({ directPath: null, url: null }, [])).toThrow('names no file');
  });

  it('locally, the stand-in of the media servers is allowed too', () => {
    expect(mediaSource({ directPath: path, url: `${STAND_IN}${path}` }, [STAND_IN]).href).toBe(`${STAND_IN}${path}`);
  });
});

describe('fetching', () => {
  it('does not follow a redirect (it could lead anywhere), and says WhatsApp no longer has a file on 404', async () => {
    let followed = 0;
    const target = await listen(new Hono().get('/', (c) => (followed++, c.text('secret'))).fetch);
    const server = await listen(new Hono().get('/moved', (c) => c.redirect(target.url, 302)).get('/gone', (c) => c.body(null, 404)).fetch);
    try {
      const limits = { maxBytes: 1000, timeoutMs: 5000 };
      await expect(fetchEncrypted(new URL(`${server.url}/moved`), null, limits)).rejects.toThrow('answered HTTP 302');
      expect(followed).toBe(0);
      await expect(fetchEncrypted(new URL(`${server.url}/gone`), null, limits)).rejects.toThrow('WhatsApp no longer has the file (HTTP 404)');
    } finally {
      await server.close();
      await target.close();
    }
  });
});

describe('a moment’s failure of WhatsApp’s media server is tried again; a definitive answer is not', () => {
  const limits = { maxBytes: 1000, timeoutMs: 10_000 };
  const file = Uint8Array.from({ length: 42 }, (_, i) => i);

  type Answer = number | 'drop' | 'hang';
  /** Answers each request with the next of `answers` (a status, 'drop' to cut the connection, 'hang' never to answer), then the file. */
  async function flaky(answers: Answer[]) {
    const calls: string[] = [];
    const server = await listen(async (req) => {
      calls.push(new URL(req.url).pathname);
      const answer = answers.shift();
      if (answer === 'hang') return await new Promise<Response>(() => undefined);
      if (answer === 'drop') {
        // A body that errors mid-stream: the connection is cut after the headers.
        const body = new ReadableStream({ start: (c) => (c.enqueue(new Uint8Array(5)), c.error(new Error('reset'))) });
        return new Response(body, { headers: { 'content-length': '42' } });
      }
      if (answer !== undefined) return new Response(null, { status: answer });
      return new Response(file as Uint8Array<ArrayBuffer>);
    });
    return { calls, server, url: new URL(`${server.url}/v/x.enc`) };
  }

  it.each<[Answer[]]>([[[503]], [[429]], [[500, 502]], [['drop']]])('after %j the file is fetched', async (answers) => {
    const { calls, server, url } = await flaky([...answers]);
    try {
      expect(await fetchEncrypted(url, null, limits)).toEqual(file);
      expect(calls).toHaveLength(answers.length + 1);
    } finally {
      await server.close();
    }
  });

  it('a server that keeps failing is given three attempts, then the media is reported unreachable', async () => {
    const { calls, server, url } = await flaky([503, 503, 503, 503]);
    try {
      await expect(fetchEncrypted(url, null, limits)).rejects.toThrow("WhatsApp's media server answered HTTP 503 (3 attempts)");
      expect(calls).toHaveLength(3);
    } finally {
      await server.close();
    }
  });

  it('an attempt that hangs is cut at half the budget and tried again within it', async () => {
    const { calls, server, url } = await flaky(['hang']);
    try {
      expect(await fetchEncrypted(url, null, { maxBytes: 1000, timeoutMs: 2_000 })).toEqual(file);
      expect(calls).toHaveLength(2);
    } finally {
      await server.close();
    }
  });

  it.each([404, 410, 403, 302])('HTTP %i is final: fetched once', async (status) => {
    const { calls, server, url } = await flaky([status]);
    try {
      await expect(fetchEncrypted(url, null, limits)).rejects.toThrow(`HTTP ${status}`);
      expect(calls).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('a file too large is final: fetched once', async () => {
    const { calls, server, url } = await flaky([]);
    try {
      await expect(fetchEncrypted(url, null, { maxBytes: 10, timeoutMs: 5_000 })).rejects.toThrow('larger than MEDIA_MAX_BYTES');
      expect(calls).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});
