import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { ApiError } from '../../errors.ts';
import { guard } from '../auth.ts';
import { getConversation, listConversationMessages, listConversations, pauseConversation, resumeConversation, SEARCH_MESSAGES_PER_CONVERSATION } from '../conversations.ts';
import { decodeCursor, pageLimit } from '../cursor.ts';
import type { V1Env } from '../env.ts';
import { errors, jsonBody, ok } from '../openapi.ts';
import { ConversationPage, IdParams, MessagePage, PageQuery, PauseBody, SESSION_ID } from '../schemas.ts';
import { ConversationSchema } from '../views.ts';

const notFound = (id: string) => new ApiError('NOT_FOUND', `No conversation with id ${id}.`);

const ConversationQuery = PageQuery.extend({
  sessionId: z.string().regex(SESSION_ID, 'must be 1-64 letters, digits, - or _').optional().openapi({ description: 'Only this linked number’s conversations.' }),
  needsHuman: z
    .enum(['true', 'false'])
    .optional()
    .openapi({ description: '`true`: only those the agent handed to a person and nobody resumed yet; `false`: only the others.' }),
  paused: z
    .enum(['true', 'false'])
    .optional()
    .openapi({ description: '`true`: only those where a person has taken over and the agent is silent now; `false`: only those the agent answers.' }),
  q: z
    .string()
    .trim()
    .min(2, 'must be 2 to 100 characters')
    .max(100, 'must be 2 to 100 characters')
    .optional()
    .openapi({
      description:
        'Search: the contact’s name, phone (its digits) or what was written, ignoring case and accents (`joao` finds “João”). A message’s text is searched in each conversation’s newest ' +
        `${SEARCH_MESSAGES_PER_CONVERSATION} messages, which bounds the cost of a search.`,
    }),
});

export const listConversationsRoute = createRoute({
  method: 'get',
  path: '/v1/conversations',
  operationId: 'listConversations',
  tags: ['Conversations'],
  summary: 'List conversations, most recently active first',
  description: 'Filters combine: `?q=maria&needsHuman=true` lists Maria’s conversations that wait for a person.',
  ...guard(['conversations:read']),
  request: { query: ConversationQuery },
  responses: { 200: ok(ConversationPage, 'A page of conversations.'), ...errors(400, 403) },
});

export const getConversationRoute = createRoute({
  method: 'get',
  path: '/v1/conversations/{id}',
  operationId: 'getConversation',
  tags: ['Conversations'],
  summary: 'One conversation',
  description: 'As the list shows it; for a conversation a filtered list leaves out.',
  ...guard(['conversations:read']),
  request: { params: IdParams },
  responses: { 200: ok(ConversationSchema, 'The conversation.'), ...errors(400, 403, 404) },
});

export const listMessagesRoute = createRoute({
  method: 'get',
  path: '/v1/conversations/{id}/messages',
  operationId: 'listConversationMessages',
  tags: ['Conversations'],
  summary: 'List a conversation’s messages, newest first',
  ...guard(['conversations:read']),
  request: { params: IdParams, query: PageQuery },
  responses: { 200: ok(MessagePage, 'A page of messages.'), ...errors(400, 403, 404) },
});

export const pauseRoute = createRoute({
  method: 'post',
  path: '/v1/conversations/{id}/pause',
  operationId: 'pauseConversation',
  tags: ['Conversations'],
  summary: 'Human takeover: silence the agent in this conversation',
  description: 'For `minutes` (default: the agent’s humanPauseMinutes). Emits `conversation.paused`.',
  ...guard(['conversations:write']),
  request: { params: IdParams, body: jsonBody(PauseBody, false) },
  responses: { 200: ok(ConversationSchema, 'The paused conversation.'), ...errors(400, 403, 404, 413, 415) },
});

export const resumeRoute = createRoute({
  method: 'post',
  path: '/v1/conversations/{id}/resume',
  operationId: 'resumeConversation',
  tags: ['Conversations'],
  summary: 'End the human takeover: the agent answers again',
  description: 'Emits `conversation.resumed`.',
  ...guard(['conversations:write']),
  request: { params: IdParams },
  responses: { 200: ok(ConversationSchema, 'The resumed conversation.'), ...errors(400, 403, 404) },
});

export function registerConversationRoutes(app: OpenAPIHono<V1Env>) {
  app.openapi(listConversationsRoute, async (c) => {
    const q = c.req.valid('query');
    const page = await listConversations(c.get('services'), {
      limit: pageLimit(q.limit),
      cursor: q.cursor ? decodeCursor(q.cursor) : undefined,
      sessionId: q.sessionId,
      needsHuman: q.needsHuman === undefined ? undefined : q.needsHuman === 'true',
      paused: q.paused === undefined ? undefined : q.paused === 'true',
      search: q.q,
    });
    return c.json(page, 200);
  });

  app.openapi(getConversationRoute, async (c) => {
    const { id } = c.req.valid('param');
    const conversation = await getConversation(c.get('services'), id);
    if (!conversation) throw notFound(id);
    return c.json(conversation, 200);
  });

  app.openapi(listMessagesRoute, async (c) => {
    const { id } = c.req.valid('param');
    const q = c.req.valid('query');
    const page = await listConversationMessages(c.get('services'), id, {
      limit: pageLimit(q.limit),
      cursor: q.cursor ? decodeCursor(q.cursor) : undefined,
    });
    if (!page) throw notFound(id);
    return c.json(page, 200);
  });

  app.openapi(pauseRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { minutes } = c.req.valid('json');
    const conversation = await pauseConversation(c.get('services'), id, minutes);
    if (!conversation) throw notFound(id);
    return c.json(conversation, 200);
  });

  app.openapi(resumeRoute, async (c) => {
    const { id } = c.req.valid('param');
    const conversation = await resumeConversation(c.get('services'), id);
    if (!conversation) throw notFound(id);
    return c.json(conversation, 200);
  });
}
