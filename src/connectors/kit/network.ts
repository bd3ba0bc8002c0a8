/** What connectors share when telling a dropped connection from a real error. */

/** Socket, DNS and (for fetch) undici codes of a connection that failed: trying again may work. */
const NETWORK_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'ENOTFOUND', 'EAI_AGAIN',
  'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH', 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

/** True for the code of a connection failure (reset, refused, timed out, unreachable, DNS). */
export const isNetworkCode = (code: unknown): boolean => typeof code === 'string' && NETWORK_CODES.has(code);

/**
 * The detail of a connection failure (reset, refused, timed out), or null when `err` is something
 * else. fetch wraps connection failures in a TypeError("fetch failed") whose cause carries the code.
 */
export function networkFailure(err: unknown): string | null {
  const cause = (err as { cause?: unknown })?.cause;
  const code = (cause as NodeJS.ErrnoException)?.code ?? (err as NodeJS.ErrnoException)?.code;
  const detail = detailOf(err);
  if (isNetworkCode(code) || (err instanceof TypeError && err.message === 'fetch failed') || /terminated|other side closed|socket hang up/i.test(detail)) return detail;
  return null;
}

/** The message of whatever was thrown, for errors we cannot classify further. */
export function detailOf(err: unknown): string {
  const cause = (err as { cause?: unknown })?.cause;
  return (cause as Error)?.message ?? (err as Error)?.message ?? String(err);
}

/** Milliseconds from a Retry-After header (seconds, or an HTTP date); undefined if unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const when = Date.parse(value);
  return Number.isNaN(when) ? undefined : Math.max(0, when - now);
}
