import { jsonSchema, tool, type ToolSet } from 'ai';
import { z } from 'zod';
import type { Services } from '../services.ts';
import { handOff, type HandoffContext } from './handoff.ts';
import { callTeamTool } from './http-tool.ts';
import type { AgentSettings } from './settings.ts';

export const HANDOFF_TOOL = 'handoff_to_human';

/** Model steps per reply at most: a tool call, its answer, perhaps another, then the text. */
export const MAX_STEPS = 4;

/** What a reply's tools did, read after the model finished. */
export type ToolTrace = { handedOff: boolean };

/**
 * The tools of one reply: the built-in handoff and the profile's HTTP tools. `trace` records the
 * handoff, so that the customer is told a person will answer even when the model then says nothing.
 */
export function replyTools(s: Services, settings: AgentSettings, ctx: HandoffContext, trace: ToolTrace): ToolSet {
  const tools: ToolSet = {
    [HANDOFF_TOOL]: tool({
      description:
        'Pass the conversation to a person of the team: when the customer asks for a person, is upset, or needs ' +
        'something you cannot do or do not know. You stop answering in this conversation until the team resumes ' +
        'it. After calling it, tell the customer briefly, in their language, that a person will answer here.',
      inputSchema: z.object({
        reason: z.string().max(500).optional().describe('Why, in a few words, for the team.'),
      }),
      execute: async ({ reason }) => {
        // One handoff per reply, however often the model asks.
        if (!trace.handedOff) {
          await handOff(s, ctx, reason?.trim() || null);
          trace.handedOff = true;
        }
        return { handedOff: true, note: 'A person of the team will answer the customer here.' };
      },
    }),
  };
  const secret = settings.toolsSecret;
  if (!secret) return tools;
  for (const t of settings.tools) {
    tools[t.name] = tool({
      description: t.description,
      inputSchema: jsonSchema(t.parameters as Parameters<typeof jsonSchema>[0]),
      execute: async (args, { abortSignal }) => await callTeamTool(s, t, secret, args, abortSignal),
    });
  }
  return tools;
}
