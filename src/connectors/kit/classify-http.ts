import { ConnectorError, type ConnectorErrorKind } from '../connector.js';
import { cancelled } from './abort.js';
import { HttpFailure } from './http-failure.js';
import { detailOf, networkFailure } from './network.js';

/** What one HTTP provider decides for itself when failures are classified. */
export interface HttpClassifier<F extends HttpFailure = HttpFailure> {
  /** The provider's name as users know it, for messages ("Google Drive", "the WebDAV server"). */
  provider: string;
  kindOf(f: F): ConnectorErrorKind;
  message(kind: ConnectorErrorKind, f: F, where: string): string;
  /** Failures of the connection the provider knows better (a certificate, a redirect), before dropped connections are looked for. */
  otherFailure?(err: unknown, where: string): ConnectorError | undefined;
}

/**
 * The common frame of an HTTP connector's classify(): cancellations, the provider's answers
 * (with Retry-After on rate limits, when given), dropped connections, and anything else as fatal.
 */
export function classifyHttp<F extends HttpFailure>(err: unknown, path: string, signal: AbortSignal | undefined, c: HttpClassifier<F>): ConnectorError {
  if (err instanceof ConnectorError) return err;
  // A check made while the request was being sent (the egress policy refusing an address) comes wrapped by fetch.
  const cause = (err as { cause?: unknown })?.cause;
  if (cause instanceof ConnectorError) return cause;
  const where = path || 'the root folder';
  if (signal?.aborted || (err as Error)?.name === 'AbortError') return cancelled(err);
  if (err instanceof HttpFailure) {
    const kind = c.kindOf(err as F);
    const wait = kind === 'rate_limited' ? err.waitMs() : undefined;
    return new ConnectorError(kind, c.message(kind, err as F, where), wait, { cause: err });
  }
  const other = c.otherFailure?.(err, where);
  if (other) return other;
  const network = networkFailure(err);
  if (network !== null) return new ConnectorError('transient', `Could not reach ${c.provider} for ${where} (${network})`, undefined, { cause: err });
  return new ConnectorError('fatal', `${detailOf(err)} (${where})`, undefined, { cause: err });
}
