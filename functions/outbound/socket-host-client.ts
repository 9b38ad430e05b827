import { signQStashJwt } from '../../shared/qstash-jwt.ts';
import { sendResult, type SendRequest } from '../../shared/contracts/send-request.ts';
import type { Services } from '../services.ts';

/** `queued`: the socket-host accepted it and sends it in turn; the outcome arrives as a status event. */
export type SendOutcome = { ok: true; status: 'sent' | 'queued' } | { ok: false; retry: boolean; reason: string };

/**
 * Calls the socket-host directly, signed exactly as QStash would sign it (the socket-host accepts
 * nothing else). Going direct keeps a reply to one queue message; the queue is the fallback.
 */
export async function callSocketHost(s: Services, path: string, body?: unknown, timeoutMs = 30_000): Promise<Response> {
  const url = new URL(path, s.config.SOCKET_HOST_URL).toString();
  // A GET is signed over its empty body, as QStash would sign it.
  const raw = body === undefined ? '' : JSON.stringify(body);
  const signature = await signQStashJwt({
    signingKey: s.config.QSTASH_CURRENT_SIGNING_KEY,
    url,
    body: new TextEncoder().encode(raw),
  });
  return await fetch(url, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', 'upstash-signature': signature },
    body: body === undefined ? undefined : raw,
    signal: AbortSignal.timeout(timeoutMs),
  });
}

/**
 * How long the functions wait for `/send`: the socket-host answers within its bound (5 s, then 202
 * `queued`) plus one database round trip, so this only fires when the socket-host itself hangs.
 */
const SEND_TIMEOUT_MS = 15_000;

export async function sendToSocketHost(s: Services, request: SendRequest): Promise<SendOutcome> {
  try {
    const res = await callSocketHost(s, '/send', request, SEND_TIMEOUT_MS);
    if (res.ok) {
      const parsed = sendResult.safeParse(await res.json().catch(() => undefined));
      if (!parsed.success) return { ok: false, retry: true, reason: `socket-host answered ${res.status} with an unexpected body` };
      const result = parsed.data;
      if (result.status === 'failed') return { ok: false, retry: false, reason: result.error ?? 'WhatsApp refused the message' };
      return { ok: true, status: result.status };
    }
    const reason = `socket-host answered ${res.status}: ${(await res.text()).slice(0, 200)}`;
    // 4xx other than 408/429 means the request itself is wrong: retrying cannot help.
    return { ok: false, retry: res.status >= 500 || res.status === 408 || res.status === 429, reason };
  } catch (err) {
    return { ok: false, retry: true, reason: err instanceof Error ? err.message : String(err) };
  }
}
