import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QSTASH_DEV_CREDENTIALS } from '../../shared/config/qstash-dev-credentials.ts';
import { signQStashJwt } from '../../shared/qstash-jwt.ts';
import { startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';
import { receivedEvent } from '../../test-support/wa-events.ts';

let t: PipelineStack;
beforeAll(async () => {
  t = await startPipelineStack();
});
afterAll(() => t?.stop());

const event = receivedEvent('15550606001', '3EB0FORGED00000000000001', 'forged');
const send = { v: 1, sessionId: 'default', to: '15550606001@s.whatsapp.net', waMessageId: '3EB0ABCDEF00000000000002', text: 'forged', typing: false };
const job = { sessionId: 'default', to: '15550606001@s.whatsapp.net', messageIds: ['00000000-0000-4000-8000-000000000000'] };

type Forgery = { name: string; signature: (url: string, body: string) => Promise<string | undefined> };
const sign = (key: string, url: string, body: string, issuedAt?: number) =>
  signQStashJwt({ signingKey: key, url, body: new TextEncoder().encode(body), issuedAt });
const forgeries: Forgery[] = [
  { name: 'unsigned', signature: async () => undefined },
  { name: 'signed with another key', signature: (url, body) => sign('sig_notTheRealKeyAtAll000000', url, body) },
  { name: 'expired', signature: (url, body) => sign(QSTASH_DEV_CREDENTIALS.QSTASH_CURRENT_SIGNING_KEY, url, body, Math.floor(Date.now() / 1000) - 3600) },
  { name: 'signed for another body', signature: (url) => sign(QSTASH_DEV_CREDENTIALS.QSTASH_CURRENT_SIGNING_KEY, url, '{"v":1}') },
  { name: 'garbage', signature: async () => 'not.a.jwt' },
];

describe('requests that are not signed by QStash', () => {
  const targets = () => [
    { name: '/hooks/whatsapp', url: `${t.stack.urls.functions}/hooks/whatsapp`, body: event },
    { name: '/hooks/deliver', url: `${t.stack.urls.functions}/hooks/deliver`, body: job },
    { name: 'socket-host /send', url: `${t.stack.urls.socketHost}/send`, body: send },
  ];

  it.each(forgeries)('are refused when $name, and change nothing', async ({ signature }) => {
    const before = await t.messageCount();
    for (const target of targets()) {
      const body = JSON.stringify(target.body);
      const sig = await signature(target.url, body);
      const res = await fetch(target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(sig ? { 'upstash-signature': sig } : {}) },
        body,
      });
      expect(res.status, target.name).toBe(401);
      expect((await res.json()).error.code, target.name).toBe('UNAUTHORIZED');
    }
    expect(await t.messageCount()).toBe(before);
    expect(t.fake.sent()).toHaveLength(0);
  });

  it('while the same requests, properly signed, are accepted (so the refusals above are about the signature)', async () => {
    const url = `${t.stack.urls.socketHost}/send`;
    const body = JSON.stringify(send);
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'upstash-signature': await sign(QSTASH_DEV_CREDENTIALS.QSTASH_CURRENT_SIGNING_KEY, url, body) },
      body,
    });
    expect(res.status).toBe(200);
    expect(t.fake.sent()).toHaveLength(1);
  });
});
