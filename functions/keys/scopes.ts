/**
 * What a key may do. `agent:read` only reads the agent's settings; `agent:write` reads and changes them.
 * `keys:admin` manages keys, so it can mint any other scope: give it to people, not to integrations.
 * `usage:read` reads the upstream usage counts (GET /v1/usage), and no conversation: for dashboards.
 */
export const SCOPES = [
  'messages:write',
  'conversations:read',
  'conversations:write',
  'agent:read',
  'agent:write',
  'webhooks:write',
  'keys:admin',
  'usage:read',
] as const;
export type Scope = (typeof SCOPES)[number];
