import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { getAgent, updateAgent } from '../agent.ts';
import { guard } from '../auth.ts';
import type { V1Env } from '../env.ts';
import { errors, jsonBody, ok } from '../openapi.ts';
import { AgentSettingsSchema, AgentUpdate } from '../schemas.ts';

export const getAgentRoute = createRoute({
  method: 'get',
  path: '/v1/agent',
  operationId: 'getAgent',
  tags: ['Agent'],
  summary: 'Read the agent’s settings',
  ...guard(['agent:read'], ['agent:write']),
  responses: { 200: ok(AgentSettingsSchema, 'The agent’s settings.'), ...errors(403) },
});

export const updateAgentRoute = createRoute({
  method: 'put',
  path: '/v1/agent',
  operationId: 'updateAgent',
  tags: ['Agent'],
  summary: 'Change the agent’s settings',
  description: 'Fields you omit keep their value. Regex rules are checked to compile. Takes effect within seconds.',
  ...guard(['agent:write']),
  request: { body: jsonBody(AgentUpdate) },
  responses: { 200: ok(AgentSettingsSchema, 'The settings now in force.'), ...errors(400, 403, 413, 415) },
});

export function registerAgentRoutes(app: OpenAPIHono<V1Env>) {
  app.openapi(getAgentRoute, async (c) => c.json(await getAgent(c.get('services')), 200));
  app.openapi(updateAgentRoute, async (c) => c.json(await updateAgent(c.get('services'), c.req.valid('json')), 200));
}
