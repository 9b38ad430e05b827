import type { AuthenticatedKey } from '../keys/api-keys.ts';
import type { HonoEnv } from '../hono-env.ts';

/** The functions' environment plus what /v1 knows once a request is authenticated. */
export type V1Env = {
  Bindings: HonoEnv['Bindings'];
  Variables: HonoEnv['Variables'] & { apiKey: AuthenticatedKey };
};
