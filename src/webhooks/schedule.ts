/**
 * When a failed message is tried again: exponential, from `firstMs` (5 s) times four per try, at
 * most two hours apart, with a tenth of jitter so that receivers coming back up are not hit by
 * every sender at the same second. Tries stop when the next one would fall outside the retry
 * window (24 h by default, DOSSIER_WEBHOOK_RETRY_HOURS): 5 s, 20 s, 80 s, 5 min, 21 min, 85 min,
 * then every 2 h.
 */
export const FIRST_RETRY_MS = 5_000;
export const MAX_RETRY_GAP_MS = 2 * 3_600_000;

export function retryDelayMs(attempt: number, firstMs = FIRST_RETRY_MS, random = Math.random): number {
  const base = Math.min(firstMs * 4 ** Math.max(0, attempt - 1), Math.max(firstMs, MAX_RETRY_GAP_MS));
  return Math.round(base * (0.9 + 0.2 * random()));
}

/** The moment of the try after `attempt` tries, the last of which was at `at`. */
export function nextAttemptAt(attempt: number, at: Date, firstMs = FIRST_RETRY_MS): Date {
  return new Date(at.getTime() + retryDelayMs(attempt, firstMs));
}
