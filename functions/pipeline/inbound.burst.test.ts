import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';

let t: PipelineStack;
beforeAll(async () => {
  t = await startPipelineStack({ settings: { burstWindowMs: 1500 }, reply: () => 'One answer for all three.' });
});
afterAll(() => t?.stop());

describe('a burst of messages inside the window', () => {
  it('gets one reply that answers all three', async () => {
    t.customerWrites('15550303001', 'Hi');
    t.customerWrites('15550303001', 'I ordered a cake yesterday');
    t.customerWrites('15550303001', 'Can I pick it up at 5?');
    await eventually(() => t.sentTo('15550303001').length >= 1, 'a reply');
    await t.idle();

    expect(t.sentTo('15550303001').map((s) => s.text)).toEqual(['One answer for all three.']);
    const rows = await t.rows('15550303001');
    expect(rows.filter((r) => r.direction === 'in')).toHaveLength(3);
    expect(rows.filter((r) => r.direction === 'out')).toHaveLength(1);
    // The model saw the whole burst as the customer's turn.
    expect(t.model.requests).toHaveLength(1);
    expect(t.model.requests[0]!.messages.at(-1)).toEqual({
      role: 'user',
      content: 'Hi\nI ordered a cake yesterday\nCan I pick it up at 5?',
    });
  });
});
