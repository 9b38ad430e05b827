import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { ApiError } from '../../errors.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../../keys/api-keys.ts';
import { guard } from '../auth.ts';
import type { V1Env } from '../env.ts';
import { errors, jsonBody, noContent, ok } from '../openapi.ts';
import { ApiKeyCreated, ApiKeyList, CreateKeyBody, IdParams } from '../schemas.ts';

export const createKeyRoute = createRoute({
  method: 'post',
  path: '/v1/keys',
  operationId: 'createKey',
  tags: ['Keys'],
  summary: 'Create an API key',
  description: 'The key is in this answer only; it is stored hashed. Give each integration its own key and only the scopes it needs.',
  ...guard(['keys:admin']),
  request: { body: jsonBody(CreateKeyBody) },
  responses: { 201: ok(ApiKeyCreated, 'Created; copy the key now.'), ...errors(400, 403, 413, 415) },
});

export const listKeysRoute = createRoute({
  method: 'get',
  path: '/v1/keys',
  operationId: 'listKeys',
  tags: ['Keys'],
  summary: 'List API keys',
  ...guard(['keys:admin']),
  responses: {
    200: ok(ApiKeyList, 'Every key, revoked ones included, without the keys themselves; the deployment’s API_KEY first when it is set.'),
    ...errors(403),
  },
});

export const revokeKeyRoute = createRoute({
  method: 'delete',
  path: '/v1/keys/{id}',
  operationId: 'revokeKey',
  tags: ['Keys'],
  summary: 'Revoke an API key',
  description:
    'Takes effect on the next request. The deployment’s own key (API_KEY, `source: environment`) cannot be revoked (409): rotate it by changing the variable. Without API_KEY, revoking the last active keys:admin key is refused (409).',
  ...guard(['keys:admin']),
  request: { params: IdParams },
  responses: { 204: noContent, ...errors(400, 403, 404, 409) },
});

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function registerKeyRoutes(app: OpenAPIHono<V1Env>) {
  app.openapi(createKeyRoute, async (c) => {
    const { name, scopes } = c.req.valid('json');
    const { key, row } = await createApiKey(c.get('services').db, { name, scopes });
    if (!row) throw new ApiError('INTERNAL', 'The key could not be stored.');
    return c.json(
      {
        id: row.id,
        name: row.name,
        prefix: row.prefix,
        scopes: row.scopes,
        source: 'api' as const,
        createdAt: row.createdAt.toISOString(),
        lastUsedAt: null,
        revokedAt: null,
        key,
      },
      201,
    );
  });

  app.openapi(listKeysRoute, async (c) => {
    const s = c.get('services');
    const rows = await listApiKeys(s.db, s.config.API_KEY);
    const data = rows.map((r) => ({ ...r, createdAt: iso(r.createdAt), lastUsedAt: iso(r.lastUsedAt), revokedAt: iso(r.revokedAt) }));
    return c.json({ data }, 200);
  });

  app.openapi(revokeKeyRoute, async (c) => {
    const { id } = c.req.valid('param');
    const s = c.get('services');
    const outcome = await revokeApiKey(s.db, id, s.config.API_KEY);
    if (outcome === 'not_found') throw new ApiError('NOT_FOUND', `No API key with id ${id}.`);
    if (outcome === 'root') {
      throw new ApiError(
        'CONFLICT',
        'This is the deployment’s own admin key, set by the API_KEY variable: it cannot be revoked through the API. Rotate it by changing API_KEY (docs/runbooks.md, “Rotate the admin key”).',
      );
    }
    if (outcome === 'last_admin') throw new ApiError('CONFLICT', 'This is the last active key with keys:admin; create another one first.');
    return c.body(null, 204);
  });
}
