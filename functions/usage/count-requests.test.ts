import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { HonoEnv } from '../hono-env.ts';
import type { Services } from '../services.ts';
import { countRequests } from './count-requests.ts';
import { UsageMeter } from './meter.ts';

/** The counting middleware alone, with a meter whose clock never makes a write due (no database). */
function appCounting() {
  const usage = new UsageMeter({ now: () => 1_000 });
  const app = new Hono<HonoEnv>();
  app.use(async (c, next) => {
    c.set('services', { usage } as unknown as Services);
    await next();
  });
  app.use(countRequests);
  app.all('*', (c) => c.text('ok'));
  return { app, usage };
}

describe('countRequests', () => {
  it('counts the console’s requests apart, among the function requests', async () => {
    const { app, usage } = appCounting();
    await app.request('/v1/conversations', { headers: { 'X-Client': 'console' } });
    await app.request('/api/health', { headers: { 'x-client': 'console' } });
    await app.request('/v1/conversations');
    expect(usage.pending()).toEqual({ '1970-01-01 functions.requests': 3, '1970-01-01 console.requests': 2 });
  });

  it('counts queue deliveries, never as the console’s, and ignores other clients’ marks', async () => {
    const { app, usage } = appCounting();
    await app.request('/hooks/whatsapp', { method: 'POST', headers: { 'X-Client': 'console' } });
    await app.request('/v1/agent', { headers: { 'X-Client': 'curl' } });
    expect(usage.pending()).toEqual({ '1970-01-01 functions.requests': 2, '1970-01-01 queue.messages': 1 });
  });
});
