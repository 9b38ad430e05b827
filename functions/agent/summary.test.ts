import { describe, expect, it } from 'vitest';
import { loadFunctionsConfig } from '../../shared/config/functions-config.ts';
import type { RecentMessage } from '../pipeline/history.ts';
import { splitByBudget } from './summary.ts';

let n = 0;
const msg = (direction: 'in' | 'out', text: string, extra: Partial<RecentMessage> = {}): RecentMessage => ({
  id: `m${++n}`,
  direction,
  author: direction === 'in' ? 'customer' : 'agent',
  text,
  status: direction === 'in' ? 'received' : 'sent',
  replyTo: null,
  createdAt: new Date(),
  ...extra,
});
const texts = (ms: RecentMessage[]) => ms.map((m) => m.text);

describe('splitByBudget', () => {
  it('keeps the newest messages that fit (4 characters a token, a few tokens per turn) and leaves the older ones', () => {
    const recent = [msg('in', 'a'.repeat(400)), msg('out', 'b'.repeat(40)), msg('in', 'c'.repeat(400)), msg('out', 'd'.repeat(40)), msg('in', 'e'.repeat(40))];
    // 'e' 14 + 'd' 14 + 'c' 104 + 'b' 14 = 146 tokens fit in 150, 'a' does not; 'b', the agent's, cannot
    // open the turns, so it goes with 'a'.
    const { older, kept } = splitByBudget(recent, 150);
    expect(texts(kept)).toEqual(['c'.repeat(400), 'd'.repeat(40), 'e'.repeat(40)]);
    expect(texts(older)).toEqual(['a'.repeat(400), 'b'.repeat(40)]);
    // One token less and 'c' no longer fits beside the two after it.
    expect(texts(splitByBudget(recent, 131).kept)).toEqual(['e'.repeat(40)]);
  });

  it('always keeps the customer’s latest message, however long, and never starts the kept turns with the agent’s', () => {
    const recent = [msg('in', 'hello'), msg('out', 'hi there'), msg('in', 'x'.repeat(4000))];
    const { older, kept } = splitByBudget(recent, 10);
    expect(texts(kept)).toEqual(['x'.repeat(4000)]);
    expect(texts(older)).toEqual(['hello', 'hi there']);
  });

  it('folds an agent turn left first into the summary only where the window starts with the conversation, or after a budget cut', () => {
    // The history limit cut these short (the turns before are neither sent nor summarised): the agent's
    // turn first is dropped from the turns, not summarised alone on every reply.
    const cut = [msg('out', 'ok'), msg('in', 'bench T11')];
    expect(splitByBudget(cut, 100, { windowCut: true })).toEqual({ older: [], kept: cut });
    // The whole conversation (a business's opening message first): summarised once, so the model knows it.
    expect(texts(splitByBudget(cut, 100).older)).toEqual(['ok']);
    // The budget cut something: the agent turn after the cut goes with it, limit or not.
    const long = [msg('in', 'a'.repeat(400)), msg('out', 'b'.repeat(40)), msg('in', 'c'.repeat(40))];
    expect(texts(splitByBudget(long, 40, { windowCut: true }).older)).toEqual(['a'.repeat(400), 'b'.repeat(40)]);
  });

  it('leaves nothing older when everything fits, and does not count what the model never reads', () => {
    const recent = [msg('in', 'oi'), msg('out', '', { status: 'generating' }), msg('in', 'tudo bem?')];
    expect(splitByBudget(recent, 100)).toEqual({ older: [], kept: recent });
  });
});

describe('AI_MAX_INPUT_TOKENS', () => {
  it('defaults to 6000 and takes a whole number of at least 500', () => {
    expect(loadFunctionsConfig({}).AI_MAX_INPUT_TOKENS).toBe(6000);
    expect(loadFunctionsConfig({ AI_MAX_INPUT_TOKENS: '12000' }).AI_MAX_INPUT_TOKENS).toBe(12000);
    expect(() => loadFunctionsConfig({ AI_MAX_INPUT_TOKENS: '100' })).toThrow(/AI_MAX_INPUT_TOKENS/);
    expect(() => loadFunctionsConfig({ AI_MAX_INPUT_TOKENS: 'lots' })).toThrow(/AI_MAX_INPUT_TOKENS/);
  });
});
