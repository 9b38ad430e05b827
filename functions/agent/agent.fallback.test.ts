import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';

let t: PipelineStack;
beforeAll(async () => {
  t = await startPipelineStack({
    settings: {
      fallbackText: 'We will get back to you soon.',
      rules: [{ match: 'contains', pattern: 'price list', reply: 'Our *prices*: bread 2 €, cake 15 €.' }],
    },
  });
});
afterAll(() => t?.stop());

describe('the agent when the model fails, and its rules', () => {
  it('sends the fallback once while the model keeps failing, then answers again when it recovers', async () => {
    t.model.failNextCalls(1000);
    t.customerWrites('15550909001', 'Hello?');
    await eventually(() => t.sentTo('15550909001').length === 1, 'the fallback');
    t.customerWrites('15550909001', 'Anyone?');
    await eventually(async () => (await t.rows('15550909001')).some((r) => r.status === 'suppressed'), 'the second turn handled');
    await t.idle();
    expect(t.sentTo('15550909001').map((s) => s.text)).toEqual(['We will get back to you soon.']);

    t.model.failNextCalls(0);
    t.customerWrites('15550909001', 'Still there?');
    await eventually(() => t.sentTo('15550909001').length === 2, 'the model answering again');
    expect(t.sentTo('15550909001')[1]!.text).toBe('Hello from the model');
  });

  it('answers a keyword rule with its fixed text, exactly as written, without calling the model', async () => {
    const calls = t.model.requests.length;
    t.customerWrites('15550909002', 'Can I see the price list?');
    await eventually(() => t.sentTo('15550909002').length === 1, 'the rule reply');
    expect(t.sentTo('15550909002')[0]!.text).toBe('Our *prices*: bread 2 €, cake 15 €.');
    expect(t.model.requests.length).toBe(calls);
  });
});
