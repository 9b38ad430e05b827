import { loadSettings, saveSettings, type AgentSettings } from '../agent/settings.ts';
import type { Services } from '../services.ts';
import type { z } from '@hono/zod-openapi';
import type { AgentSettingsSchema, AgentUpdate } from './schemas.ts';

type PublicAgent = z.infer<typeof AgentSettingsSchema>;

/** Temperature is stored in hundredths (an integer column); the API speaks the usual 0–2 scale. */
export function toPublicAgent(settings: AgentSettings): PublicAgent {
  return {
    instructions: settings.instructions,
    model: settings.model,
    temperature: settings.temperature === null ? null : settings.temperature / 100,
    maxOutputTokens: settings.maxOutputTokens,
    historyLimit: settings.historyLimit,
    rules: settings.rules,
    fallbackText: settings.fallbackText,
    burstWindowMs: settings.burstWindowMs,
    humanPauseMinutes: settings.humanPauseMinutes,
    replyToGroups: settings.replyToGroups,
    updatedAt: settings.updatedAt.getTime() === 0 ? null : settings.updatedAt.toISOString(),
  };
}

export async function getAgent(s: Services): Promise<PublicAgent> {
  return toPublicAgent(await loadSettings(s.db));
}

/** Changes the given fields only; the rest keep their value. */
export async function updateAgent(s: Services, patch: z.infer<typeof AgentUpdate>): Promise<PublicAgent> {
  const { temperature, ...rest } = patch;
  const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as Partial<AgentSettings>;
  if (temperature !== undefined) defined.temperature = temperature === null ? null : Math.round(temperature * 100);
  return toPublicAgent(await saveSettings(s.db, defined));
}
