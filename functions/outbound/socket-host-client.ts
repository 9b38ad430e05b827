import { signQStashJwt } from '../../shared/qstash-jwt.ts';
import type { SendRequest } from '../../shared/contracts/send-request.ts';
import type { Services } from '../services.ts';

export type SendOutcome = { ok: true } | { ok: false; retry: boolean; reason: string };

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

export async function sendToSocketHost(s: Services, request: SendRequest): Promise<SendOutcome> {
  try {
    const res = await callSocketHost(s, '/send', request);
    if (res.ok) return { ok: true };
    const reason = `socket-host answered ${res.status}: ${(await res.text()).slice(0, 200)}`;
    // 4xx other than 408/429 means the request itself is wrong: retrying cannot help.
    return { ok: false, retry: res.status >= 500 || res.status === 408 || res.status === 429, reason };
  } catch (err) {
    return { ok: false, retry: true, reason: err instanceof Error ? err.message : String(err) };
  }
}
