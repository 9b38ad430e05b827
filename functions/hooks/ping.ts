import type { Context } from 'hono';

/**
 * A signed request that changes nothing: `npm run smoke` sends one after a deploy to prove that the
 * deployment's QStash signing keys and PUBLIC_URL agree with the queue's (the signature is checked by
 * the hooks' middleware before this runs), without touching a message, a session or a subscriber.
 */
export const pingHook = (c: Context) => c.json({ outcome: 'pong' });
