import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { ApiError } from '../errors.ts';
import type { HonoEnv } from '../hono-env.ts';
import { authenticateKey, needsTouch, touchApiKey, type AuthenticatedKey, type Scope } from '../keys/api-keys.ts';
import { inBackground } from './background.ts';
import type { V1Env } from './env.ts';

const challenge = { 'WWW-Authenticate': 'Bearer realm="ia_agent"' };

/**
 * `Authorization: Bearer <key>`: the deployment's API_KEY or a stored key; 401 for no key, an unknown
 * key or a revoked one. Also used outside /v1 (the health details), hence the plain context.
 */
export async function authenticateRequest(c: Context<HonoEnv>): Promise<AuthenticatedKey> {
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) {
    throw new ApiError('UNAUTHORIZED', 'Missing API key: send it as "Authorization: Bearer <key>".', challenge);
  }
  const s = c.get('services');
  const key = await authenticateKey(s.db, match[1]!, s.config.API_KEY);
  if (key === 'unknown') throw new ApiError('UNAUTHORIZED', 'This API key is not valid.', challenge);
  if (key === 'revoked') throw new ApiError('UNAUTHORIZED', 'This API key was revoked.', challenge);
  if (needsTouch(key)) inBackground(c, 'recording the key’s last use', touchApiKey(s.db, key.id));
  return key;
}

export const authenticate = createMiddleware<V1Env>(async (c, next) => {
  c.set('apiKey', await authenticateRequest(c as unknown as Context<HonoEnv>));
  await next();
});

/**
 * A route's scope requirement: the key needs every scope of at least one of the alternatives. The
 * same alternatives are written into the route's OpenAPI `security`, so the document tells the truth.
 */
export function requireScopes(alternatives: readonly (readonly Scope[])[]) {
  return createMiddleware<V1Env>(async (c, next) => {
    const held = new Set(c.get('apiKey').scopes);
    if (!alternatives.some((scopes) => scopes.every((s) => held.has(s)))) {
      const wanted = alternatives.map((scopes) => scopes.join(' + ')).join(' or ');
      throw new ApiError('FORBIDDEN', `This API key lacks the scope this operation needs: ${wanted}.`);
    }
    await next();
  });
}

/** Spread into a `createRoute` config: the scope check and its OpenAPI description, from one list. */
export function guard<const S extends readonly (readonly Scope[])[]>(...alternatives: S) {
  return {
    security: alternatives.map((scopes) => ({ bearerAuth: [...scopes] })),
    middleware: requireScopes(alternatives),
  };
}
