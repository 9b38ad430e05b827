import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../../test-support/listen.ts';
import { createNeonStandIn } from './neon-stand-in.ts';
import { pgliteBackend } from './pglite-backend.ts';
import { BACKENDS, post, serve } from './test-backends.ts';
import type { Served } from './test-backends.ts';

// The wire format does not depend on the backend, so these requests (ones the driver never makes,
// or replies read raw) run against PGlite only.
const pglite = BACKENDS.find((b) => b.kind === 'pglite')!;

describe('the /sql wire format', () => {
  let served: Served;
  beforeAll(async () => {
    served = await serve(pglite);
  });
  afterAll(() => served?.close());

  it('answers one query with the fields and rows of Neon’s reply, and CORS open', async () => {
    const reply = await post(served, { query: 'SELECT $1::int AS a, NULL::text AS b', params: ['5'] });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('Access-Control-Allow-Origin')).toBe('*');
    expect(await reply.json()).toEqual({
      command: 'SELECT',
      rowCount: 1,
      rowAsArray: true,
      fields: [
        { name: 'a', tableID: 0, columnID: 0, dataTypeID: 23, dataTypeSize: 4, dataTypeModifier: -1, format: 'text' },
        { name: 'b', tableID: 0, columnID: 0, dataTypeID: 25, dataTypeSize: -1, dataTypeModifier: -1, format: 'text' },
      ],
      rows: [['5', null]],
    });
  });

  it('keys rows by column name without Neon-Array-Mode, unless the query asks for arrays', async () => {
    const objects = await post(served, { query: 'SELECT 1 AS a, 2 AS b' }, { 'Neon-Array-Mode': 'false' });
    expect(await objects.json()).toMatchObject({ rowAsArray: false, rows: [{ a: '1', b: '2' }] });
    const arrays = await post(served, { query: 'SELECT 1 AS a', arrayMode: true }, { 'Neon-Array-Mode': 'false' });
    expect(await arrays.json()).toMatchObject({ rowAsArray: true, rows: [['1']] });
  });

  it('answers a batch with one result per query', async () => {
    const reply = await post(served, { queries: [{ query: 'SELECT 1 AS a', params: [] }, { query: 'SELECT $1 AS b', params: ['x'] }] });
    const body = (await reply.json()) as { results: { rows: unknown[] }[] };
    expect(body.results.map((r) => r.rows)).toEqual([[['1']], [['x']]]);
  });

  it('turns a database error into HTTP 400 with its fields', async () => {
    const reply = await post(served, { query: 'SELECT 1 / $1::int', params: ['0'] });
    expect(reply.status).toBe(400);
    expect(reply.headers.get('Access-Control-Allow-Origin')).toBe('*');
    expect(await reply.json()).toMatchObject({ message: 'division by zero', code: '22012', severity: 'ERROR' });
  });

  it('refuses what Neon would refuse, with HTTP 400', async () => {
    const cases: [unknown, Record<string, string>, string][] = [
      [{ query: 'SELECT 1' }, { 'Neon-Connection-String': '' }, 'missing Neon-Connection-String header'],
      [{ query: 'SELECT 1' }, { 'Neon-Raw-Text-Output': 'false' }, 'only Neon-Raw-Text-Output: true is supported by this stand-in'],
      [{ queries: [] }, { 'Neon-Batch-Isolation-Level': 'Chaos' }, 'unknown Neon-Batch-Isolation-Level "Chaos"'],
      [{ query: 42 }, {}, '"query" must be a string'],
      [{ query: 'SELECT $1', params: [{ a: 1 }] }, {}, 'each of "params" must be a string, a number, a boolean or null'],
      [[1], {}, 'the body must be a JSON object'],
    ];
    for (const [body, headers, message] of cases) {
      const reply = await post(served, body, headers);
      expect({ status: reply.status, body: await reply.json() }).toEqual({ status: 400, body: { message } });
    }
    const notJson = await fetch(served.endpoint, { method: 'POST', body: '{', headers: { 'Neon-Connection-String': 'postgresql://a@b/c' } });
    expect(await notJson.json()).toEqual({ message: 'the body is not valid JSON' });
  });

  it('only takes the exact text "true" for read-only', async () => {
    const ask = (readOnly: string) =>
      post(served, { queries: [{ query: 'SHOW transaction_read_only', params: [] }] }, { 'Neon-Batch-Read-Only': readOnly })
        .then((r) => r.json() as Promise<{ results: { rows: string[][] }[] }>)
        .then((body) => body.results[0]?.rows[0]?.[0]);
    expect(await ask('true')).toBe('on');
    expect(await ask('TRUE')).toBe('off');
    expect(await ask('1')).toBe('off');
  });

  it('answers a CORS preflight for the driver’s headers', async () => {
    const reply = await fetch(served.endpoint, { method: 'OPTIONS' });
    expect(reply.status).toBe(204);
    expect(reply.headers.get('Access-Control-Allow-Origin')).toBe('*');
    expect(reply.headers.get('Access-Control-Allow-Headers')).toContain('Neon-Connection-String');
  });
});

describe('the stand-in around its backend', () => {
  it('counts requests and statements, logs each request, and answers 500 once its backend is closed', async () => {
    const lines: string[] = [];
    const standIn = createNeonStandIn({ backend: pgliteBackend(undefined), log: (line) => lines.push(line) });
    const server = await listen(standIn.app.fetch);
    const served = { endpoint: `${server.url}/sql`, connectionString: 'postgresql://a:b@c.test/d' } as Served;
    try {
      await post(served, { query: 'SELECT 1', params: [] });
      await post(served, { queries: [{ query: 'SELECT 1', params: [] }, { query: 'SELECT 2', params: [] }] });
      expect(standIn.stats).toEqual({ requests: 2, queries: 3 });
      expect(lines).toEqual(['POST /sql 200 query: SELECT', 'POST /sql 200 batch of 2']);

      await standIn.close();
      const reply = await post(served, { query: 'SELECT 1', params: [] });
      expect(reply.status).toBe(500);
      expect(await reply.json()).toEqual({ message: 'the PGlite backend is closed' });
      expect(lines.at(-1)).toMatch(/^POST \/sql 500 query: Error: the PGlite backend is closed/);
    } finally {
      await server.close();
      await standIn.close();
    }
  });
});
