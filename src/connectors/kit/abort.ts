import { ConnectorError } from '../connector.js';

/** Throws a `cancelled` ConnectorError if the signal has fired. */
export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new ConnectorError('cancelled', 'The operation was cancelled.');
}
