import createClient from 'openapi-fetch';
import { t } from '../i18n.ts';
import { readKey } from '../session.ts';
import type { paths } from './schema.d.ts';

/** The one client: every call goes to this origin's /v1 with the tab's key, typed by the OpenAPI document. */
export const api = createClient<paths>({ baseUrl: location.origin });

/** Marks the console's requests, which /v1/usage counts as `console.requests` (what an open console costs). */
export const CONSOLE_HEADERS = { 'X-Client': 'console' } as const;

api.use({
  onRequest({ request }) {
    const key = readKey();
    if (key) request.headers.set('Authorization', `Bearer ${key}`);
    request.headers.set('X-Client', CONSOLE_HEADERS['X-Client']);
    return request;
  },
});

/** An API error in the API's own words (its envelope's message), or the network's. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Envelope = { error?: { code?: string; message?: string } };

/** The data of an openapi-fetch call, or an ApiProblem carrying the API's message. */
export async function must<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: Awaited<typeof call>;
  try {
    result = await call;
  } catch {
    throw new ApiProblem(0, 'NETWORK', t('networkError'));
  }
  if (result.response.ok) return result.data as T;
  const envelope = result.error as Envelope | undefined;
  throw new ApiProblem(
    result.response.status,
    envelope?.error?.code ?? 'HTTP_' + result.response.status,
    envelope?.error?.message ?? `${result.response.status} ${result.response.statusText}`,
  );
}

/** A binary /v1 file (a QR code, a photo…) read with the key, as a blob; the browser cannot add the key to an <img src>. */
export async function fetchBlob(path: string): Promise<Blob> {
  let res: Response;
  try {
    res = await fetch(path, { headers: { Authorization: `Bearer ${readKey() ?? ''}`, ...CONSOLE_HEADERS }, cache: 'no-store' });
  } catch {
    throw new ApiProblem(0, 'NETWORK', t('networkError'));
  }
  if (res.ok) return await res.blob();
  const envelope = (await res.json().catch(() => undefined)) as Envelope | undefined;
  throw new ApiProblem(res.status, envelope?.error?.code ?? `HTTP_${res.status}`, envelope?.error?.message ?? `${res.status} ${res.statusText}`);
}

export type Schemas = import('./schema.d.ts').components['schemas'];
