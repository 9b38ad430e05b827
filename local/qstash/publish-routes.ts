/** POST /v2/publish/{destination}, /v2/enqueue/{queue}/{destination} and /v2/batch. */
import { Hono } from 'hono';
import { jsonError, QUEUE_NAME, type StandInContext } from './context.ts';
import { parsePublish, type PublishRefusal } from './publish.ts';
import type { PublishResult } from './scheduler.ts';

const encoder = new TextEncoder();

/**
 * The destination is a whole URL in the path, query string included (`/v2/publish/http://h/p?x=1`),
 * so it is cut from the raw request URL: the router's decoded path would lose the query.
 */
function rawAfter(url: string, prefix: string): string {
  const at = url.indexOf(prefix);
  return at < 0 ? '' : url.slice(at + prefix.length);
}

type Outcome = { ok: true; result: PublishResult } | { ok: false; status: PublishRefusal; error: string };

async function publish(
  ctx: StandInContext,
  destination: string,
  headers: Headers,
  body: Uint8Array,
  queueName?: string,
  durable = true,
): Promise<Outcome> {
  if (queueName !== undefined && !QUEUE_NAME.test(queueName)) {
    return { ok: false, status: 400, error: `invalid queue name: ${queueName}` };
  }
  // Enqueueing creates a missing queue, so it counts against the plan's queues like an upsert.
  if (queueName !== undefined && !ctx.state.queues.has(queueName) && ctx.state.queues.size >= ctx.plan.maxQueues) {
    return { ok: false, status: 412, error: `the ${ctx.plan.name} plan allows at most ${ctx.plan.maxQueues} queues` };
  }
  const parsed = parsePublish({ destination, headers, body, ...(queueName !== undefined && { queueName }) }, Date.now(), ctx.plan);
  if (!parsed.ok) return parsed;
  return { ok: true, result: await ctx.scheduler.accept(parsed.message, parsed.dedupKey, durable) };
}

/** QStash's answer once the day's messages are spent: 429 with the headers the SDK reads. */
function dailyLimitReached(ctx: StandInContext): Response {
  return Response.json(
    { error: `daily message limit of ${ctx.quota.limit} reached on the ${ctx.plan.name} plan (every delivery attempt counts)` },
    { status: 429, headers: ctx.quota.headers() },
  );
}

export function publishRoutes(ctx: StandInContext): Hono {
  const app = new Hono();

  const answer = (outcome: Outcome) =>
    outcome.ok
      ? Response.json(outcome.result, { status: outcome.result.deduplicated ? 202 : 201 })
      : Response.json({ error: outcome.error }, { status: outcome.status });

  app.post('/v2/publish/*', async (c) => {
    if (ctx.quota.remaining() < 1) return dailyLimitReached(ctx);
    const body = new Uint8Array(await c.req.arrayBuffer());
    return answer(await publish(ctx, rawAfter(c.req.url, '/v2/publish/'), c.req.raw.headers, body));
  });

  app.post('/v2/enqueue/*', async (c) => {
    const rest = rawAfter(c.req.url, '/v2/enqueue/');
    const slash = rest.indexOf('/');
    if (slash <= 0) return jsonError(c, 400, 'expected /v2/enqueue/{queueName}/{destination}');
    if (ctx.quota.remaining() < 1) return dailyLimitReached(ctx);
    const queueName = decodeURIComponent(rest.slice(0, slash));
    const body = new Uint8Array(await c.req.arrayBuffer());
    return answer(await publish(ctx, rest.slice(slash + 1), c.req.raw.headers, body, queueName));
  });

  app.post('/v2/batch', async (c) => {
    let items: unknown;
    try {
      items = await c.req.json();
    } catch {
      return jsonError(c, 400, 'batch body must be a JSON array');
    }
    if (!Array.isArray(items)) return jsonError(c, 400, 'batch body must be a JSON array');
    if (ctx.quota.remaining() < items.length) return dailyLimitReached(ctx);
    const responses: unknown[] = [];
    // Sequential, so messages of one queue keep the order they have in the batch.
    for (const item of items as Record<string, unknown>[]) {
      const { destination, headers, body, queue } = item ?? {};
      if (typeof destination !== 'string') {
        responses.push({ error: 'destination is required' });
        continue;
      }
      if (body !== undefined && typeof body !== 'string') {
        responses.push({ error: 'body must be a string' });
        continue;
      }
      let itemHeaders: Headers;
      try {
        itemHeaders = new Headers((headers ?? {}) as Record<string, string>);
      } catch {
        responses.push({ error: 'headers must be an object of strings' });
        continue;
      }
      const outcome = await publish(
        ctx,
        destination,
        itemHeaders,
        encoder.encode(body ?? ''),
        typeof queue === 'string' ? queue : undefined,
        false,
      );
      responses.push(outcome.ok ? outcome.result : { error: outcome.error });
    }
    await ctx.persist(); // once for the whole batch
    return c.json(responses, 201);
  });

  return app;
}
