import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { deleteAgentProfile, getAgent, updateAgent } from '../agent.ts';
import { guard } from '../auth.ts';
import type { V1Env } from '../env.ts';
import { errors, jsonBody, noContent, ok } from '../openapi.ts';
import { AgentProfileQuery, AgentQuery, AgentSettingsSchema, AgentSettingsWithSecret, AgentUpdate } from '../schemas.ts';

export const getAgentRoute = createRoute({
  method: 'get',
  path: '/v1/agent',
  operationId: 'getAgent',
  tags: ['Agent'],
  summary: 'Read the agent’s settings',
  description:
    'With `sessionId`: the profile that number answers with (its own, or the default one, told by `sessionId` in the answer). Without: the default profile.',
  ...guard(['agent:read'], ['agent:write']),
  request: { query: AgentQuery },
  responses: { 200: ok(AgentSettingsSchema, 'The agent’s settings.'), ...errors(400, 403) },
});

export const updateAgentRoute = createRoute({
  method: 'put',
  path: '/v1/agent',
  operationId: 'updateAgent',
  tags: ['Agent'],
  summary: 'Change the agent’s settings',
  description:
    'Fields you omit keep their value. With `sessionId` the number’s own profile changes (the first change starts it from the default profile). Regex rules are checked to compile; tool URLs must be public https URLs in the cloud. Answers with the `toolsSecret` that signs the tools’ calls. Takes effect within seconds.',
  ...guard(['agent:write']),
  request: { query: AgentQuery, body: jsonBody(AgentUpdate) },
  responses: { 200: ok(AgentSettingsWithSecret, 'The settings now in force, and the tools secret.'), ...errors(400, 403, 413, 415) },
});

export const deleteAgentProfileRoute = createRoute({
  method: 'delete',
  path: '/v1/agent',
  operationId: 'deleteAgentProfile',
  tags: ['Agent'],
  summary: 'Remove a number’s own profile',
  description: 'The number answers with the default profile again.',
  ...guard(['agent:write']),
  request: { query: AgentProfileQuery },
  responses: { 204: noContent, ...errors(400, 403, 404) },
});

export function registerAgentRoutes(app: OpenAPIHono<V1Env>) {
  app.openapi(getAgentRoute, async (c) => c.json(await getAgent(c.get('services'), c.req.valid('query').sessionId), 200));
  app.openapi(updateAgentRoute, async (c) =>
    c.json(await updateAgent(c.get('services'), c.req.valid('json'), c.req.valid('query').sessionId), 200),
  );
  app.openapi(deleteAgentProfileRoute, async (c) => {
    await deleteAgentProfile(c.get('services'), c.req.valid('query').sessionId);
    return c.body(null, 204);
  });
}
