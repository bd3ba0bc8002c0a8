import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectorError } from '../connector.js';

/** The one `cancelled` error: the caller's signal fired, so nothing failed and nothing is retried. */
export function cancelled(cause?: unknown): ConnectorError {
  return new ConnectorError('cancelled', 'The operation was cancelled.', undefined, cause === undefined ? undefined : { cause });
}

/** Throws a `cancelled` ConnectorError if the signal has fired. */
export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw cancelled();
}

/** Waits for a shared promise, but lets this caller's signal stop the wait. */
export function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled());
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Waits `ms`; a fired signal ends the wait with a `cancelled` ConnectorError. */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch (e) {
    throw cancelled(e);
  }
}
