import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHarness, type Harness } from './test-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

const until = <T>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 20_000, interval: 50 });

describe('GET and PUT /v1/agent', () => {
  it('reads the settings with agent:read, changes only the given fields with agent:write', async () => {
    const reader = await h.createKey(['agent:read']);
    const initial = (await (await h.call('/v1/agent', { key: reader.key })).json()) as Record<string, unknown>;
    expect(Object.keys(initial).sort()).toEqual([
      'burstWindowMs',
      'fallbackText',
      'historyLimit',
      'humanPauseMinutes',
      'instructions',
      'markReadOnReply',
      'maxOutputTokens',
      'model',
      'replyToGroups',
      'rules',
      'sessionId',
      'temperature',
      'tools',
      'updatedAt',
    ]);
    expect((await h.call('/v1/agent', { method: 'PUT', key: reader.key, json: { historyLimit: 5 } })).status).toBe(403);

    const writer = await h.createKey(['agent:write']);
    const res = await h.call('/v1/agent', { method: 'PUT', key: writer.key, json: { temperature: 0.7, historyLimit: 5, model: 'small-model' } });
    expect(res.status).toBe(200);
    const updated = (await res.json()) as Record<string, unknown>;
    expect(updated).toMatchObject({ temperature: 0.7, historyLimit: 5, model: 'small-model' });
    expect(updated.instructions).toBe(initial.instructions);
    expect(updated.fallbackText).toBe(initial.fallbackText);
    const { toolsSecret, ...withoutSecret } = updated;
    expect(toolsSecret).toMatch(/^whsec_/);
    // The tools secret is shown by PUT only.
    expect(await (await h.call('/v1/agent', { key: writer.key })).json()).toEqual(withoutSecret);

    const reset = (await (await h.call('/v1/agent', { method: 'PUT', key: writer.key, json: { temperature: null, model: null } })).json()) as Record<string, unknown>;
    expect(reset).toMatchObject({ temperature: null, model: null, historyLimit: 5 });
  });

  it('refuses a regex rule that does not compile, naming the rule', async () => {
    const res = await h.call('/v1/agent', {
      method: 'PUT',
      json: { rules: [{ match: 'contains', pattern: 'price', reply: 'See our list.' }, { match: 'regex', pattern: '(unclosed', reply: 'x' }] },
    });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { code: string; message: string; details: { field: string }[] } };
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toMatch(/^rules\.1\.pattern: is not a valid regular expression/);
    expect(error.details.map((d) => d.field)).toEqual(['rules.1.pattern']);
  });

  it('takes effect for the next customer message: a rule answers', async () => {
    const rules = [{ match: 'regex', pattern: '\\bhorario\\b', reply: 'Abrimos de 9 a 18.' }];
    expect((await h.call('/v1/agent', { method: 'PUT', json: { rules, burstWindowMs: 0 } })).status).toBe(200);
    await until(() => expect(h.fake?.latest()?.state).toBe('open'));
    const phone = `4913${Math.floor(Math.random() * 1e9).toString().padStart(9, '0')}`;
    h.fake!.latest()!.inject({ from: phone, text: '¿Cuál es el horario?' });
    await until(() => expect(h.fake!.sent(phone).map((s) => s.text)).toEqual(['Abrimos de 9 a 18.']));
  });
});
