/** The dead letter queue: GET/DELETE /v2/dlq[/{dlqId}], POST /v2/dlq/retry[/{dlqId}]. */
import { Hono } from 'hono';
import { matchesFilter, parseBulkQuery, type BulkQuery } from './bulk-query.ts';
import { jsonError, type StandInContext } from './context.ts';
import type { DlqEntry } from './store.ts';
import { dlqView } from './views.ts';

const DLQ_FILTERS = ['url', 'queueName', 'label', 'flowControlKey', 'messageId', 'responseStatus'] as const;

export function dlqRoutes(ctx: StandInContext): Hono {
  const app = new Hono();
  const { state } = ctx;

  const select = (query: BulkQuery): DlqEntry[] => {
    if (query.ids) return query.ids.flatMap((id) => state.dlq.get(id) ?? []);
    return [...state.dlq.values()].filter((entry) => matchesFilter(dlqView(entry), query.filter));
  };

  /** Republishes the message as a new one (new id, attempts from zero), like QStash's DLQ retry. */
  const retry = async (entry: DlqEntry): Promise<{ messageId: string }> => {
    state.dlq.delete(entry.dlqId);
    const { messageId: _old, seq: _seq, ...message } = entry.message;
    const now = Date.now();
    const result = await ctx.scheduler.accept({ ...message, createdAt: now, notBefore: now, dueAt: now, retried: 0, started: false });
    return { messageId: result.messageId };
  };

  /** Bulk calls handle `count` entries; a non-empty cursor tells the SDK's loop to call again. */
  const bulk = async <T>(url: string, action: (entry: DlqEntry) => Promise<T>) => {
    const query = parseBulkQuery(url, 'dlqIds', DLQ_FILTERS);
    if ('error' in query) return query;
    const matching = select(query);
    const batch = query.ids ? matching : matching.slice(0, query.count);
    const results: T[] = [];
    for (const entry of batch) results.push(await action(entry));
    return { results, more: batch.length < matching.length };
  };

  app.get('/v2/dlq', (c) => {
    const query = parseBulkQuery(c.req.url, 'dlqIds', DLQ_FILTERS);
    if ('error' in query) return jsonError(c, 400, query.error);
    const matching = select(query);
    const page = matching.slice(query.offset, query.offset + query.count);
    const next = query.offset + page.length;
    return c.json({ messages: page.map(dlqView), ...(next < matching.length && { cursor: String(next) }) });
  });

  app.get('/v2/dlq/:dlqId', (c) => {
    const entry = state.dlq.get(c.req.param('dlqId'));
    return entry ? c.json(dlqView(entry)) : jsonError(c, 404, 'dlq message not found');
  });

  app.delete('/v2/dlq/:dlqId', async (c) => {
    if (!state.dlq.delete(c.req.param('dlqId'))) return jsonError(c, 404, 'dlq message not found');
    await ctx.persist();
    return c.body(null, 200);
  });

  app.delete('/v2/dlq', async (c) => {
    const outcome = await bulk(c.req.url, async (entry) => state.dlq.delete(entry.dlqId));
    if ('error' in outcome) return jsonError(c, 400, outcome.error);
    await ctx.persist();
    return c.json({ deleted: outcome.results.length, ...(outcome.more && { cursor: '0' }) });
  });

  app.post('/v2/dlq/retry/:dlqId', async (c) => {
    const entry = state.dlq.get(c.req.param('dlqId'));
    return entry ? c.json(await retry(entry)) : jsonError(c, 404, 'dlq message not found');
  });

  app.post('/v2/dlq/retry', async (c) => {
    const outcome = await bulk(c.req.url, retry);
    if ('error' in outcome) return jsonError(c, 400, outcome.error);
    return c.json({ responses: outcome.results, ...(outcome.more && { cursor: '0' }) });
  });

  return app;
}
