import type { z } from '@hono/zod-openapi';
import { deleteProfile, loadSettings, profileSession, saveSettings, type AgentSettings, type SettingsPatch } from '../agent/settings.ts';
import { ApiError } from '../errors.ts';
import type { Services } from '../services.ts';
import { webhookUrlProblem } from '../webhooks/webhook-url.ts';
import type { AgentSettingsSchema, AgentSettingsWithSecret, AgentUpdate } from './schemas.ts';

type PublicAgent = z.infer<typeof AgentSettingsSchema>;

/** Temperature is stored in hundredths (an integer column); the API speaks the usual 0–2 scale. */
export function toPublicAgent(settings: AgentSettings): PublicAgent {
  return {
    sessionId: profileSession(settings.id),
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
    markReadOnReply: settings.markReadOnReply,
    tools: settings.tools,
    updatedAt: settings.updatedAt.getTime() === 0 ? null : settings.updatedAt.toISOString(),
  };
}

/** The profile in force for a number (its own, else the default), or the default profile. */
export async function getAgent(s: Services, sessionId?: string): Promise<PublicAgent> {
  return toPublicAgent(await loadSettings(s.db, sessionId));
}

/** Changes the given fields only; the rest keep their value. Answers with the tools secret. */
export async function updateAgent(
  s: Services,
  patch: z.infer<typeof AgentUpdate>,
  sessionId?: string,
): Promise<z.infer<typeof AgentSettingsWithSecret>> {
  // Where a tool may point depends on where the functions run (the same rule as webhooks).
  const urlProblems = (patch.tools ?? []).flatMap((t, i) => {
    const problem = webhookUrlProblem(t.url, s.config.MODE);
    return problem ? [{ field: `tools.${i}.url`, message: problem }] : [];
  });
  if (urlProblems.length) {
    throw new ApiError('VALIDATION_FAILED', `${urlProblems[0]!.field}: ${urlProblems[0]!.message}`, {}, urlProblems);
  }
  const { temperature, ...rest } = patch;
  const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as SettingsPatch;
  if (temperature !== undefined) defined.temperature = temperature === null ? null : Math.round(temperature * 100);
  const saved = await saveSettings(s.db, defined, sessionId);
  return { ...toPublicAgent(saved), toolsSecret: saved.toolsSecret! };
}

/** A number's own profile goes; the default profile answers for it again. */
export async function deleteAgentProfile(s: Services, sessionId: string): Promise<void> {
  if (!(await deleteProfile(s.db, sessionId))) throw new ApiError('NOT_FOUND', `The number ${sessionId} has no profile of its own.`);
}
