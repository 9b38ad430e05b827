import type { ErrorEvent } from '@sentry/core';
import { describe, expect, it } from 'vitest';
import { redactText, scrubBreadcrumb, scrubEvent } from './sentry-scrub.ts';

describe('what may leave for Sentry', () => {
  it('keeps an error message\'s first line, without quoted values or long numbers', () => {
    expect(redactText('Failed query: select 1 where phone = $1\nparams: 4915112345678,hello there')).toBe('Failed query: select 1 where phone = $1');
    expect(redactText('invalid input syntax for type uuid: "see you at 5"')).toBe('invalid input syntax for type uuid: "…"');
    expect(redactText('no session for 4915112345678@s.whatsapp.net, retry 3 in 1234567 ms')).toBe('no session for [digits]@s.whatsapp.net, retry 3 in 1234567 ms');
  });

  it('drops request bodies, query strings, headers, cookies, the user and extras; redacts messages and breadcrumbs', () => {
    const event = {
      type: undefined,
      message: 'send to 4915112345678 failed',
      request: {
        method: 'POST',
        url: 'https://f.example/v1/messages?to=4915112345678',
        data: '{"text":"my order"}',
        query_string: 'to=4915112345678',
        headers: { authorization: 'Bearer iak_x' },
        cookies: { s: '1' },
      },
      user: { id: '4915112345678', ip_address: '10.0.0.1' },
      extra: { body: 'my order' },
      exception: { values: [{ type: 'Error', value: 'refused "my order"', stacktrace: { frames: [{ function: 'f', vars: { text: 'my order' } }] } }] },
      breadcrumbs: [{ category: 'fetch', message: 'POST /send 4915112345678', data: { url: 'https://x/?phone=4915112345678' } }],
      tags: { requestId: 'r-1', component: 'functions' },
    } as unknown as ErrorEvent;
    const scrubbed = scrubEvent(event);
    expect(scrubbed.request).toEqual({ method: 'POST', url: 'https://f.example/v1/messages' });
    expect(scrubbed.user).toBeUndefined();
    expect(scrubbed.extra).toBeUndefined();
    expect(scrubbed.message).toBe('send to [digits] failed');
    expect(scrubbed.exception!.values![0]!.value).toBe('refused "…"');
    expect(scrubbed.exception!.values![0]!.stacktrace!.frames![0]!.vars).toBeUndefined();
    expect(scrubbed.breadcrumbs).toEqual([{ category: 'fetch', message: 'POST /send [digits]' }]);
    expect(scrubbed.tags).toEqual({ requestId: 'r-1', component: 'functions' });
    const text = JSON.stringify(scrubbed);
    expect(text).not.toContain('4915112345678');
    expect(text).not.toContain('my order');
  });

  it('scrubs breadcrumbs recorded outside an event the same way', () => {
    expect(scrubBreadcrumb({ level: 'warning', message: 'outbox: publish failed for 4915112345678', data: { body: 'hi' } })).toEqual({
      level: 'warning',
      message: 'outbox: publish failed for [digits]',
    });
  });
});
