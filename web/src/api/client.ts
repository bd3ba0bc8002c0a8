import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

/** The typed API client: every path, body and answer comes from the server's own OpenAPI document (schema.d.ts). */
export type Schemas = components['schemas'];

let csrfToken: string | null = null;
/** The session's CSRF token, sent with every change the browser makes (GET /v1/session gives it). */
export function setCsrfToken(token: string | null): void { csrfToken = token; }

const csrf: Middleware = {
  onRequest({ request }) {
    if (csrfToken && request.method !== 'GET' && request.method !== 'HEAD') request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
};

export const api = createClient<paths>({
  baseUrl: globalThis.location?.origin ?? 'http://localhost',
  credentials: 'same-origin',
  // Looked up per call, so tests can stand in for the network.
  fetch: (request) => globalThis.fetch(request),
});
api.use(csrf);

/** A failure the server explained: { error: { code, message, reason?, params? } }. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly reason?: string, readonly params: Record<string, string | number> = {}) {
    super(message);
    this.name = 'ApiError';
  }
}

type ErrorAnswer = { error?: { code?: string; message?: string; reason?: string; params?: Record<string, string | number> } } | null | undefined;
const errorOf = (response: Response, body: ErrorAnswer) =>
  new ApiError(response.status, body?.error?.code ?? 'http_error', body?.error?.message ?? `${response.status} ${response.statusText}`, body?.error?.reason, body?.error?.params);

/** The data of an answer, or the server's explanation thrown as an ApiError. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  throw errorOf(response, error as ErrorAnswer);
}

/** Multipart uploads go around the typed client: their body is FormData, fields first and the file last. */
export async function uploadForm<T>(path: string, form: FormData): Promise<T> {
  const headers: Record<string, string> = {};
  if (csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await globalThis.fetch(new URL(path, globalThis.location?.origin ?? 'http://localhost'), { method: 'POST', body: form, headers, credentials: 'same-origin' });
  const body = await response.json().catch(() => null) as T | null;
  if (!response.ok) throw errorOf(response, body as ErrorAnswer);
  return body as T;
}
