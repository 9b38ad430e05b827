/** GET /v2/messages/{id} (a message and its state) and DELETE /v2/messages[/{id}] (cancel pending ones). */
import { Hono } from 'hono';
import { matchesFilter, parseBulkQuery } from './bulk-query.ts';
import { jsonError, type StandInContext } from './context.ts';
import { messageView } from './views.ts';

const MESSAGE_FILTERS = ['url', 'queueName', 'label', 'flowControlKey'] as const;

export function messageRoutes(ctx: StandInContext): Hono {
  const app = new Hono();
  const { state, scheduler } = ctx;

  app.get('/v2/messages/:id', (c) => {
    const id = c.req.param('id');
    const message = state.messages.get(id);
    const messageState = scheduler.stateOf(id);
    if (message) return c.json({ ...messageView(message), state: messageState });
    // Real QStash forgets a message once it is delivered; here the outcome stays visible a while.
    return messageState ? c.json({ messageId: id, state: messageState }) : jsonError(c, 404, 'message not found');
  });

  app.delete('/v2/messages/:id', (c) =>
    scheduler.cancel(c.req.param('id')) ? c.json({ cancelled: 1 }) : jsonError(c, 404, 'message not found'),
  );

  app.delete('/v2/messages', (c) => {
    const query = parseBulkQuery(c.req.url, 'messageIds', MESSAGE_FILTERS);
    if ('error' in query) return jsonError(c, 400, query.error);
    const ids =
      query.ids ??
      [...state.messages.values()].filter((m) => matchesFilter(messageView(m), query.filter)).map((m) => m.messageId);
    let cancelled = 0;
    for (const id of ids) if (scheduler.cancel(id)) cancelled += 1;
    return c.json({ cancelled });
  });

  return app;
}
