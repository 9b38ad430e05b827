import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlBackend } from './sql-backend.ts';
import { BACKENDS } from './test-backends.ts';

describe.each(BACKENDS)('the $kind backend', (backendCase) => {
  let backend: SqlBackend;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ backend, drop } = await backendCase.open());
    await backend.query('CREATE TABLE ledger (entry text PRIMARY KEY)', []);
  });
  afterAll(async () => {
    await backend?.close();
    await drop?.();
  });

  it('keeps queries made meanwhile out of an open transaction', async () => {
    let meanwhile: Promise<string[]> | undefined;
    const lookMeanwhile = () =>
      Promise.all(
        Array.from({ length: 5 }, () => backend.query('SELECT count(*) FROM ledger', []).then((r) => r.rows[0]?.[0] ?? '')),
      );
    await backend.transaction(async (query) => {
      await query('INSERT INTO ledger VALUES ($1)', ['in-flight']);
      meanwhile = lookMeanwhile();
      if (backend.kind === 'postgres') {
        // Other pool connections answer while this transaction is open, from the last committed state.
        await meanwhile;
      } else {
        // PGlite's one connection must hold them back: give them the event loop, they must not run.
        for (let turn = 0; turn < 20; turn += 1) await nextTurn();
      }
      await query('INSERT INTO ledger VALUES ($1)', ['in-flight-2']);
    });
    // Never the transaction's half-done state (1): nothing yet (Postgres) or all of it (PGlite, queued).
    expect(await meanwhile).toEqual(Array(5).fill(backend.kind === 'postgres' ? '0' : '2'));
    await backend.query('DELETE FROM ledger', []);
  });

  it('rolls back when the transaction function throws, and the connection stays usable', async () => {
    const failing = backend.transaction(async (query) => {
      await query('INSERT INTO ledger VALUES ($1)', ['doomed']);
      throw new Error('changed my mind');
    });
    await expect(failing).rejects.toThrow('changed my mind');
    expect((await backend.query('SELECT count(*) FROM ledger', [])).rows).toEqual([['0']]);
  });

  it('passes text parameters through untouched, including ones a client library would re-encode', async () => {
    const result = await backend.query('SELECT $1::bytea, $2::jsonb, $3::bool, $4::timestamptz, $5::text', [
      '\\x00ff',
      '{"z": 1, "a": null}',
      'yes',
      '2024-01-02T03:04:05.5+02:00',
      null,
    ]);
    expect(result.rows).toEqual([['\\x00ff', '{"a": null, "z": 1}', 't', '2024-01-02 01:04:05.5+00', null]]);
  });

  it('reports the database error itself, with its code', async () => {
    await expect(backend.query('INSERT INTO ledger VALUES ($1), ($1)', ['twice'])).rejects.toMatchObject({
      code: '23505',
      severity: 'ERROR',
      constraint: 'ledger_pkey',
    });
  });
});
