import { eq, inArray, sql } from 'drizzle-orm';
import { agentSettings } from '../../drizzle/schema.ts';
import type { Db } from '../../shared/db.ts';
import { newWebhookSecret } from '../webhooks/subscriptions.ts';

export type AgentSettings = typeof agentSettings.$inferSelect;

export const DEFAULT_PROFILE_ID = 'default';

/** The row id of a number's own profile; ':' never occurs in a session id, so it cannot meet 'default'. */
export const profileId = (sessionId: string | undefined) => (sessionId ? `session:${sessionId}` : DEFAULT_PROFILE_ID);

/** The number a profile row belongs to; null for the default profile. */
export const profileSession = (id: string) => (id.startsWith('session:') ? id.slice('session:'.length) : null);

export const DEFAULT_SETTINGS: Omit<AgentSettings, 'updatedAt'> = {
  id: DEFAULT_PROFILE_ID,
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
  markReadOnReply: false,
  tools: [],
  toolsSecret: null,
};

/**
 * Settings are read on every inbound message, so an isolate keeps them for a few seconds rather than
 * paying a database round trip per message; PUT /v1/agent clears the cache of the isolate it runs in.
 * Kept per (database, number): one query reads the number's own profile and the default together.
 */
const TTL_MS = 5000;
const cache = new WeakMap<Db, Map<string, { at: number; value: AgentSettings }>>();

/** The profile in force for a number (its own, else the default); without a number, the default. */
export async function loadSettings(db: Db, sessionId?: string): Promise<AgentSettings> {
  const key = profileId(sessionId);
  const perDb = cache.get(db) ?? new Map<string, { at: number; value: AgentSettings }>();
  cache.set(db, perDb);
  const hit = perDb.get(key);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
  const rows = await db
    .select()
    .from(agentSettings)
    .where(inArray(agentSettings.id, [...new Set([key, DEFAULT_PROFILE_ID])]));
  const value = rows.find((r) => r.id === key) ??
    rows.find((r) => r.id === DEFAULT_PROFILE_ID) ?? { ...DEFAULT_SETTINGS, updatedAt: new Date(0) };
  perDb.set(key, { at: Date.now(), value });
  return value;
}

export type SettingsPatch = Partial<Omit<AgentSettings, 'id' | 'updatedAt' | 'toolsSecret'>>;

/**
 * Changes a profile (the default one without a number). A number's first change starts its own
 * profile from the default's values; the tools secret is made once per profile and then kept.
 */
export async function saveSettings(db: Db, patch: SettingsPatch, sessionId?: string): Promise<AgentSettings> {
  const id = profileId(sessionId);
  const current = await loadSettings(db, sessionId);
  const next = { ...current, ...patch, id, toolsSecret: newWebhookSecret(), updatedAt: new Date() };
  const [row] = await db
    .insert(agentSettings)
    .values(next)
    .onConflictDoUpdate({
      target: agentSettings.id,
      // A secret once made is kept; a row made before tools existed gets one on its next change.
      set: { ...patch, toolsSecret: sql`coalesce(${agentSettings.toolsSecret}, excluded.tools_secret)`, updatedAt: next.updatedAt },
    })
    .returning();
  // The default profile stands in for every number without its own: forget them all.
  cache.delete(db);
  return row!;
}

/** Removes a number's own profile: the default applies to it again. False when it had none. */
export async function deleteProfile(db: Db, sessionId: string): Promise<boolean> {
  const deleted = await db.delete(agentSettings).where(eq(agentSettings.id, profileId(sessionId))).returning({ id: agentSettings.id });
  cache.delete(db);
  return deleted.length > 0;
}
