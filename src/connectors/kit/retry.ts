import pRetry, { AbortError } from 'p-retry';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectorError, isConnectorError } from '../connector.js';

export interface RetryPolicy {
  retries: number;
  minTimeoutMs: number;
  maxTimeoutMs: number;
}

/** Eight retries over about two minutes: a 20% failure rate then loses one file in two million. */
export const DEFAULT_RETRY: RetryPolicy = { retries: 8, minTimeoutMs: 250, maxTimeoutMs: 30_000 };

/**
 * How long an upload waits before it resumes a chunk that failed: what the provider asked for
 * (Retry-After), else 250 ms doubling up to 8 s. No jitter: one upload resumes one session.
 */
export const resumeDelayMs = (attempt: number, e: ConnectorError): number => e.retryAfterMs ?? Math.min(250 * 2 ** attempt, 8000);

/**
 * Runs `fn` again on transient and rate-limit failures, with exponential backoff and jitter,
 * waiting at least what the provider asked for in Retry-After. Anything else (not found, full,
 * credentials) fails at once: trying again would only hammer the provider.
 */
export async function withRetry<T>(fn: () => Promise<T>, policy: RetryPolicy = DEFAULT_RETRY, signal?: AbortSignal): Promise<T> {
  return pRetry(async () => {
    try {
      return await fn();
    } catch (e) {
      if (isConnectorError(e) && e.retryable) throw e;
      throw new AbortError(e instanceof Error ? e : new ConnectorError('fatal', String(e)));
    }
  }, {
    retries: policy.retries,
    minTimeout: policy.minTimeoutMs,
    maxTimeout: policy.maxTimeoutMs,
    randomize: true,
    signal,
    onFailedAttempt: async ({ error }) => {
      if (isConnectorError(error) && error.retryAfterMs) await sleep(Math.min(error.retryAfterMs, 300_000), undefined, { signal });
    },
  });
}
