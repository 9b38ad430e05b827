import type { AgentTool } from '../../drizzle/schema.ts';
import type { Services } from '../services.ts';
import { signWebhook } from '../webhooks/sign.ts';
import { webhookUrlProblem } from '../webhooks/webhook-url.ts';

/** A team's tool answers within this, or the model is told it did not. */
export const TOOL_TIMEOUT_MS = 8_000;
/** What the model reads of an answer at most: a tool's answer goes into the prompt of the next step. */
export const TOOL_ANSWER_MAX_CHARS = 8_000;

/**
 * Calls a team's HTTP tool: a POST whose JSON body is the model's arguments, signed as webhooks are
 * (Standard Webhooks with the profile's tools secret). Never throws: a refused URL, a timeout, an error
 * status or a network failure come back as `{ error }` for the model to read, so the customer still
 * gets an answer.
 */
export async function callTeamTool(
  s: Services,
  tool: AgentTool,
  secret: string,
  args: unknown,
  signal?: AbortSignal,
): Promise<unknown> {
  // Checked again at call time: a URL saved under a looser rule (or in local mode) is not used in the cloud.
  const urlProblem = webhookUrlProblem(tool.url, s.config.MODE);
  if (urlProblem) return { error: `the tool's URL ${urlProblem}` };
  const body = JSON.stringify(args ?? {});
  const id = `msg_${crypto.randomUUID().replaceAll('-', '')}`;
  const timestamp = Math.floor(Date.now() / 1000);
  const timeout = AbortSignal.timeout(TOOL_TIMEOUT_MS);
  try {
    const res = await fetch(tool.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        'user-agent': 'ia_agent-tools/1',
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': await signWebhook(secret, id, timestamp, body),
      },
      body,
      // Following a redirect could carry the signed arguments somewhere else.
      redirect: 'manual',
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    const text = await readCapped(res, TOOL_ANSWER_MAX_CHARS);
    if (!res.ok) {
      s.log.warn({ tool: tool.name, status: res.status }, 'a team tool answered with an error');
      return { error: `the tool answered HTTP ${res.status}`, body: text.slice(0, 500) };
    }
    return parseAnswer(text);
  } catch (err) {
    const timedOut = timeout.aborted;
    s.log.warn({ tool: tool.name, err: err instanceof Error ? err.message : String(err) }, 'a team tool failed');
    return { error: timedOut ? `the tool did not answer within ${TOOL_TIMEOUT_MS / 1000} s` : 'the tool could not be reached' };
  }
}

/** JSON as JSON; anything else (or JSON cut at the cap) as text, which the model reads as well. */
function parseAnswer(text: string): unknown {
  if (!text) return { ok: true };
  try {
    return JSON.parse(text);
  } catch {
    return { text };
  }
}

/** Reads at most `max` characters of the body and drops the rest unread. */
async function readCapped(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (text.length < max) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel().catch(() => {});
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
