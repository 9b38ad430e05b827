import { Hono } from 'hono';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../../local/listen.ts';
import { textOf, type ChatRequest } from '../../test-support/fake-openai.ts';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';

/** Which tool the scripted model calls for a question; after the tool's answer it quotes it. */
const TOOL_FOR: [RegExp, string][] = [
  [/pedido/, 'order_status'],
  [/estoque/, 'stock'],
  [/demora/, 'slow'],
];

function model(req: ChatRequest) {
  const question = textOf(req.messages.findLast((m) => m.role === 'user')?.content);
  const last = req.messages.at(-1)!;
  if (last.role === 'tool') return `Consultei: ${textOf(last.content)}`;
  const name = TOOL_FOR.find(([re]) => re.test(question))?.[1];
  return name ? { toolCalls: [{ name, arguments: { orderId: 'A17' } }] } : 'Olá!';
}

let t: PipelineStack;
let tools: Awaited<ReturnType<typeof listen>>;
let secret = '';
const calls: { path: string; body: unknown; verified: boolean }[] = [];

beforeAll(async () => {
  t = await startPipelineStack({ reply: model });
  const app = new Hono().post('/:tool', async (c) => {
    const body = await c.req.text();
    let verified = false;
    try {
      new Webhook(secret).verify(body, Object.fromEntries(c.req.raw.headers));
      verified = true;
    } catch {
      verified = false;
    }
    calls.push({ path: c.req.param('tool'), body: JSON.parse(body), verified });
    if (c.req.param('tool') === 'stock') return c.json({ message: 'database down' }, 500);
    // Never answers: the agent gives up on it.
    if (c.req.param('tool') === 'slow') return await new Promise<Response>(() => {});
    return c.json({ orderId: 'A17', status: 'saiu para entrega' });
  });
  tools = await listen(app.fetch);
  const parameters = { type: 'object', properties: { orderId: { type: 'string' } }, required: ['orderId'] };
  const res = await t.api('/v1/agent', {
    method: 'PUT',
    body: JSON.stringify({
      tools: ['order_status', 'stock', 'slow'].map((name) => ({
        name,
        description: `The ${name} of an order.`,
        url: `${tools.url}/${name === 'order_status' ? 'order' : name}`,
        parameters,
      })),
    }),
  });
  expect(res.status).toBe(200);
  secret = ((await res.json()) as { toolsSecret: string }).toolsSecret;
}, 60_000);
afterAll(async () => {
  await t?.stop();
  await tools?.close();
});

describe('the team’s HTTP tools', () => {
  it('are called with a request standardwebhooks verifies; the answer reaches the model’s next step and the customer', async () => {
    const phone = '5511900002001';
    t.customerWrites(phone, 'Cadê meu pedido A17?');
    await eventually(() => t.sentTo(phone).length === 1, 'the reply');
    expect(calls).toEqual([{ path: 'order', body: { orderId: 'A17' }, verified: true }]);
    const offered = t.model.requests[0]!.tools!.map((tool) => tool.function.name).sort();
    expect(offered).toEqual(['handoff_to_human', 'order_status', 'slow', 'stock']);
    expect(t.sentTo(phone)[0]!.text).toBe('Consultei: {"orderId":"A17","status":"saiu para entrega"}');
  });

  it('a tool that answers 500 or never answers still leaves the customer one reply, the model told why', async () => {
    t.customerWrites('5511900002002', 'Tem estoque de bolo?');
    t.customerWrites('5511900002003', 'Quanto demora?');
    await eventually(() => t.sentTo('5511900002002').length === 1, 'the reply after a failing tool');
    await eventually(() => t.sentTo('5511900002003').length === 1, 'the reply after a hanging tool', 30_000);
    await t.idle();
    expect(t.sentTo('5511900002002')[0]!.text).toMatch(/^Consultei: .*the tool answered HTTP 500/);
    expect(t.sentTo('5511900002003')[0]!.text).toMatch(/^Consultei: .*the tool did not answer within 8 s/);
    expect(t.sentTo('5511900002002')).toHaveLength(1);
    expect(t.sentTo('5511900002003')).toHaveLength(1);
  }, 40_000);

  it('PUT /v1/agent keeps one tools secret, shows it only to PUT, and refuses malformed tools naming the field', async () => {
    const again = (await (await t.api('/v1/agent', { method: 'PUT', body: JSON.stringify({ historyLimit: 10 }) })).json()) as Record<string, unknown>;
    expect(again.toolsSecret).toBe(secret);
    expect(secret).toMatch(/^whsec_/);
    const read = (await (await t.api('/v1/agent')).json()) as Record<string, unknown>;
    expect(read).not.toHaveProperty('toolsSecret');
    expect((read.tools as unknown[]).length).toBe(3);

    const tool = { name: 'ok_tool', description: 'x', url: 'https://example.org/t', parameters: { type: 'object' } };
    const refused = async (tools: unknown[]) => {
      const res = await t.api('/v1/agent', { method: 'PUT', body: JSON.stringify({ tools }) });
      expect(res.status).toBe(400);
      return ((await res.json()) as { error: { details: { field: string }[] } }).error.details.map((d) => d.field);
    };
    expect(await refused([{ ...tool, name: 'has space' }])).toEqual(['tools.0.name']);
    expect(await refused([{ ...tool, name: 'handoff_to_human' }])).toEqual(['tools.0.name']);
    expect(await refused([{ ...tool, parameters: { type: 'string' } }])).toEqual(['tools.0.parameters.type']);
    expect(await refused([tool, tool])).toEqual(['tools.1.name']);
    expect(await refused([{ ...tool, url: 'ftp://example.org' }])).toEqual(['tools.0.url']);
    expect(await refused(Array.from({ length: 11 }, (_, i) => ({ ...tool, name: `t${i}` })))).toEqual(['tools']);
  });
});
