/** Queues: POST /v2/queues (upsert), GET /v2/queues[/{name}], DELETE /v2/queues/{name}, pause/resume. */
import { Hono } from 'hono';
import { jsonError, QUEUE_NAME, type StandInContext } from './context.ts';
import type { QueueInfo } from './store.ts';

export function queueRoutes(ctx: StandInContext): Hono {
  const app = new Hono();
  const { state, scheduler } = ctx;

  const view = (queue: QueueInfo) => {
    let lag = 0;
    for (const message of state.messages.values()) if (message.queueName === queue.name) lag += 1;
    return { ...queue, lag };
  };

  app.post('/v2/queues', async (c) => {
    let body: { queueName?: unknown; parallelism?: unknown; paused?: unknown };
    try {
      body = await c.req.json();
    } catch {
      return jsonError(c, 400, 'body must be JSON: {"queueName", "parallelism", "paused"}');
    }
    const { queueName, parallelism = 1, paused = false } = body;
    if (typeof queueName !== 'string' || !QUEUE_NAME.test(queueName)) return jsonError(c, 400, 'invalid queueName');
    if (typeof parallelism !== 'number' || !Number.isInteger(parallelism) || parallelism < 1) {
      return jsonError(c, 400, 'parallelism must be a positive integer');
    }
    if (typeof paused !== 'boolean') return jsonError(c, 400, 'paused must be a boolean');
    const { plan } = ctx;
    if (parallelism > plan.maxQueueParallelism) {
      return jsonError(c, 412, `queue parallelism ${parallelism} exceeds the ${plan.name} plan's maximum of ${plan.maxQueueParallelism}`);
    }
    const now = Date.now();
    const existing = state.queues.get(queueName);
    if (!existing && state.queues.size >= plan.maxQueues) {
      return jsonError(c, 412, `the ${plan.name} plan allows at most ${plan.maxQueues} queues`);
    }
    state.queues.set(queueName, { name: queueName, parallelism, paused, createdAt: existing?.createdAt ?? now, updatedAt: now });
    await ctx.persist();
    scheduler.kick(); // more parallelism, or unpaused, may free messages now
    return c.body(null, 200);
  });

  app.get('/v2/queues', (c) => c.json([...state.queues.values()].map(view)));

  app.get('/v2/queues/:name', (c) => {
    const queue = state.queues.get(c.req.param('name'));
    return queue ? c.json(view(queue)) : jsonError(c, 404, 'queue not found');
  });

  app.delete('/v2/queues/:name', async (c) => {
    const name = c.req.param('name');
    if (!state.queues.delete(name)) return jsonError(c, 404, 'queue not found');
    // Deleting a queue drops the messages still waiting in it.
    for (const message of [...state.messages.values()]) if (message.queueName === name) scheduler.cancel(message.messageId);
    await ctx.persist();
    return c.body(null, 200);
  });

  for (const action of ['pause', 'resume'] as const) {
    app.post(`/v2/queues/:name/${action}`, async (c) => {
      const queue = state.queues.get(c.req.param('name'));
      if (!queue) return jsonError(c, 404, 'queue not found');
      queue.paused = action === 'pause';
      queue.updatedAt = Date.now();
      await ctx.persist();
      scheduler.kick();
      return c.body(null, 200);
    });
  }

  return app;
}
