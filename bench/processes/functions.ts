/**
 * The functions in a process of their own, so that the CPU they spend per request can be read with
 * process.cpuUsage() without the stand-ins' or the socket-host's work mixed in. The app is the product
 * app; only this wrapper is the bench's: it times requests and exposes /__bench/* to the bench.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { classifierFor, installFetchMeter, now } from '../lib/fetch-meter.ts';

const env = JSON.parse(process.env.BENCH_ENV ?? '{}') as Record<string, string>;
const tokenOf = (text: string) => text.match(/\bT(\d+)\b/)?.[0];

// Installed before the SDKs load, so every subrequest they make is seen.
const sendLeftAt = new Map<string, number>();
const modelMs = new Map<string, number>();
const subrequestsPerHook: number[] = [];
let inHook = 0;
const meter = installFetchMeter(classifierFor(env), (o) => {
  if (inHook) inHookRequests++;
  if (typeof o.body !== 'string') return;
  if (o.kind === 'socketHost' && o.url.pathname === '/send') {
    const token = tokenOf((JSON.parse(o.body) as { text: string }).text);
    if (token) sendLeftAt.set(token, o.startedAt);
  }
  if (o.kind === 'model') {
    const messages = (JSON.parse(o.body) as { messages: { content: string }[] }).messages;
    const token = tokenOf(messages.at(-1)?.content ?? '');
    if (token) modelMs.set(token, o.endedAt - o.startedAt);
  }
});
let inHookRequests = 0;

const { Hono } = await import('hono');
const { serve } = await import('@hono/node-server');
const { loadFunctionsConfig } = await import('../../shared/config/functions-config.ts');
const { createServices } = await import('../../functions/services.ts');
const { newApp } = await import('../../functions/app.ts');

const app = newApp({ services: createServices(loadFunctionsConfig(env)) });
const bare = new Hono().post('/bare', async (c) => c.json({ ok: true, length: (await c.req.text()).length }));
const cpu: Record<string, number[]> = { hook: [], bare: [] };
let requests = 0;

// With BENCH_CPU_PROFILE, besides --cpu-prof's whole-process profile, one profile per phase (from a
// reset to the next stats): phase-N.cpuprofile holds only that phase's requests, the hook's among them.
const profileDir = process.env.BENCH_CPU_PROFILE;
const inspector = profileDir ? new Session() : undefined;
let profiling = false;
let phase = 0;
if (inspector) {
  inspector.connect();
  await inspector.post('Profiler.enable');
  await inspector.post('Profiler.setSamplingInterval', { interval: 100 });
}
async function startPhaseProfile() {
  if (!inspector || profiling) return;
  await inspector.post('Profiler.start');
  profiling = true;
}
async function endPhaseProfile() {
  if (!inspector || !profiling) return;
  profiling = false;
  const { profile } = await inspector.post('Profiler.stop');
  mkdirSync(profileDir!, { recursive: true });
  writeFileSync(join(profileDir!, `phase-${++phase}.cpuprofile`), JSON.stringify(profile));
}

const control = new Hono()
  .get('/__bench/stats', async (c) => {
    await endPhaseProfile();
    return c.json({
      cpu,
      requests,
      fetch: meter.counts(),
      subrequestsPerHook,
      sendLeftAt: Object.fromEntries(sendLeftAt),
      modelMs: Object.fromEntries(modelMs),
    });
  })
  .post('/__bench/reset', async (c) => {
    meter.reset();
    cpu.hook = [];
    cpu.bare = [];
    requests = 0;
    subrequestsPerHook.length = 0;
    await startPhaseProfile();
    return c.json({ ok: true });
  });

serve({
  port: Number(process.env.BENCH_PORT),
  hostname: '127.0.0.1',
  fetch: async (req) => {
    const path = new URL(req.url).pathname;
    if (path.startsWith('/__bench/')) return control.fetch(req);
    requests++;
    const hook = path === '/hooks/whatsapp';
    const before = inHookRequests;
    if (hook) inHook++;
    const started = process.cpuUsage();
    const res = path === '/bare' ? await bare.fetch(req) : await app.fetch(req);
    const spent = process.cpuUsage(started);
    if (hook) {
      inHook--;
      subrequestsPerHook.push(inHookRequests - before);
    }
    const ms = (spent.user + spent.system) / 1000;
    if (hook) cpu.hook!.push(ms);
    if (path === '/bare') cpu.bare!.push(ms);
    return res;
  },
});
process.send?.({ ready: true, at: now() });
// Exit cleanly on SIGINT so that --cpu-prof writes its profile.
process.on('SIGINT', () => process.exit(0));
