import { eq } from 'drizzle-orm';
import { agentSettings } from '../../drizzle/schema.ts';
import type { Db } from '../../shared/db.ts';

export type AgentSettings = typeof agentSettings.$inferSelect;

export const DEFAULT_SETTINGS: Omit<AgentSettings, 'updatedAt'> = {
  id: 'default',
  instructions:
    'You are the friendly assistant of a small business on WhatsApp. Answer briefly and clearly, in the ' +
    "customer's language. If you do not know something, say so and offer to pass the question to the team.",
  model: null,
  temperature: null,
  maxOutputTokens: 400,
  historyLimit: 20,
  rules: [],
  fallbackText: 'Thanks for your message! A person from our team will get back to you shortly.',
  burstWindowMs: 2500,
  humanPauseMinutes: 30,
  replyToGroups: false,
};

/**
 * Settings are read on every inbound message, so an isolate keeps them for a few seconds rather than
 * paying a database round trip per message; PUT /v1/agent clears the cache of the isolate it runs in.
 */
const TTL_MS = 5000;
const cache = new WeakMap<Db, { at: number; value: AgentSettings }>();

export async function loadSettings(db: Db): Promise<AgentSettings> {
  const hit = cache.get(db);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
  const [row] = await db.select().from(agentSettings).where(eq(agentSettings.id, 'default')).limit(1);
  const value = row ?? { ...DEFAULT_SETTINGS, updatedAt: new Date(0) };
  cache.set(db, { at: Date.now(), value });
  return value;
}

export async function saveSettings(db: Db, patch: Partial<Omit<AgentSettings, 'id' | 'updatedAt'>>): Promise<AgentSettings> {
  const current = await loadSettings(db);
  const next = { ...current, ...patch, id: 'default', updatedAt: new Date() };
  const [row] = await db
    .insert(agentSettings)
    .values(next)
    .onConflictDoUpdate({ target: agentSettings.id, set: { ...patch, updatedAt: next.updatedAt } })
    .returning();
  cache.delete(db);
  return row!;
}
