import { signQStashJwt } from '../../shared/qstash-jwt.ts';
import { sendResult, type SendRequest } from '../../shared/contracts/send-request.ts';
import { ApiError, ERROR_STATUS, type ErrorCode } from '../../shared/api-error.ts';
import type { Services } from '../services.ts';
import { forgetHolder, holderUrl, sessionOfCall } from './socket-host-route.ts';

/** `queued`: the socket-host accepted it and sends it in turn; the outcome arrives as a status event. */
export type SendOutcome = { ok: true; status: 'sent' | 'queued' } | { ok: false; retry: boolean; reason: string };

/**
 * Calls the socket-host directly, signed exactly as QStash would sign it (the socket-host accepts
 * nothing else). Going direct keeps a reply to one queue message; the queue is the fallback. A call
 * about one number goes to the replica holding it (socket-host-route.ts); when the holder remembered
 * cannot be reached or refuses the number (503), the call is made once more where the table says now,
 * if that is another replica (a takeover), never twice to the same one.
 */
export async function callSocketHost(s: Services, path: string, body?: unknown, timeoutMs = 30_000): Promise<Response> {
  const sessionId = sessionOfCall(path, body);
  if (sessionId === undefined) return await signedCall(s, s.config.SOCKET_HOST_URL, path, body, timeoutMs);
  const route = await holderUrl(s, sessionId);
  let failure: { res: Response } | { err: unknown };
  try {
    const res = await signedCall(s, route.url, path, body, timeoutMs);
    if (res.status !== 503) return res;
    failure = { res };
  } catch (err) {
    // A call that timed out may still be running there: it is not made again elsewhere.
    if ((err as Error)?.name === 'TimeoutError') throw err;
    failure = { err };
  }
  forgetHolder(s, sessionId);
  const now = route.fresh ? route : await holderUrl(s, sessionId);
  if (now.url !== route.url) return await signedCall(s, now.url, path, body, timeoutMs);
  if ('res' in failure) return failure.res;
  throw failure.err;
}

async function signedCall(s: Services, base: string, path: string, body: unknown, timeoutMs: number): Promise<Response> {
  const url = new URL(path, base).toString();
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

/** How long a /v1 call waits for the socket-host: a WhatsApp command's wait on the number's throttle, or a socket made ready for pairing (up to 20 s). */
const COMMAND_TIMEOUT_MS = 25_000;

/**
 * Calls the socket-host on behalf of a /v1 request. What it says (unknown number, already linked, not
 * connected, WhatsApp refused or unreachable…) passes through in its own code and words; a socket-host
 * that cannot be reached, refuses our signature or fails is reported as such.
 */
export async function relayToSocketHost(s: Services, path: string, body?: unknown, timeoutMs = COMMAND_TIMEOUT_MS): Promise<Response> {
  let res: Response;
  try {
    res = await callSocketHost(s, path, body, timeoutMs);
  } catch (err) {
    const timedOut = (err as Error)?.name === 'TimeoutError';
    const why = timedOut ? `it did not answer within ${timeoutMs / 1000} s` : describeFetchError(err);
    throw new ApiError('SOCKET_HOST_UNREACHABLE', `The socket-host at ${s.config.SOCKET_HOST_URL} cannot be reached (${why}); check that it runs and that SOCKET_HOST_URL points at it.`);
  }
  if (res.ok) return res;
  if (res.status === 401) {
    throw new ApiError('UNAVAILABLE', 'The socket-host refused the functions’ signature: QSTASH_CURRENT_SIGNING_KEY and QSTASH_NEXT_SIGNING_KEY must be the same on both sides.');
  }
  const envelope = (await res.json().catch(() => undefined)) as { error?: { code?: string; message?: string; requestId?: string } } | undefined;
  const code = envelope?.error?.code;
  if (code === 'INTERNAL') {
    throw new ApiError('UNAVAILABLE', `The socket-host failed on this request; its log has the error under request id ${envelope?.error?.requestId ?? 'unknown'}.`);
  }
  if (code && code in ERROR_STATUS && envelope?.error?.message) {
    const retryAfter = res.headers.get('retry-after');
    throw new ApiError(code as ErrorCode, envelope.error.message, retryAfter ? { 'Retry-After': retryAfter } : {});
  }
  // Not the socket-host's envelope: a proxy or a platform in front of it answered (Railway's 502…).
  throw new ApiError('SOCKET_HOST_UNREACHABLE', `The socket-host at ${s.config.SOCKET_HOST_URL} answered ${res.status} without saying why; check its logs.`);
}

/** A socket-host command's JSON answer (see relayToSocketHost for its errors). */
export async function socketHostCommand<T>(s: Services, path: string, body?: unknown, timeoutMs = COMMAND_TIMEOUT_MS): Promise<T> {
  return (await (await relayToSocketHost(s, path, body, timeoutMs)).json()) as T;
}

/** "connect ECONNREFUSED 127.0.0.1:8788" rather than fetch's bare "fetch failed". */
function describeFetchError(err: unknown): string {
  const cause = (err as { cause?: { message?: string; code?: string } })?.cause;
  return cause?.message ?? cause?.code ?? (err instanceof Error ? err.message : String(err));
}
