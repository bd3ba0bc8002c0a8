import { retryAfterMs } from './network.js';

/** An answer with a status the caller did not expect; each connector's classify() turns it into a ConnectorError. */
export class HttpFailure extends Error {
  constructor(
    readonly status: number,
    /** The method, or the provider's name for the call (Dropbox's route). */
    readonly method: string,
    /** The provider's error codes or reasons, in order: what classify() branches on. */
    readonly codes: string[],
    /** The Retry-After header as sent: a delay in seconds or an HTTP date. */
    readonly retryAfter: string | null,
    /** The provider's own explanation, if it gave one. */
    readonly detail: string,
  ) {
    super(`${method} answered HTTP ${status}${codes.length ? ` ${codes.join('/')}` : ''}${detail ? `: ${detail}` : ''}`);
    this.name = 'HttpFailure';
  }

  has(code: string): boolean {
    return this.codes.includes(code);
  }

  /** How long the provider asked us to wait, if it said (Retry-After; a provider may say it elsewhere too). */
  waitMs(): number | undefined {
    return retryAfterMs(this.retryAfter);
  }
}

/** The HTTP status behind a classified ConnectorError, or 0. */
export const failureStatus = (e: unknown): number => ((e as { cause?: unknown })?.cause instanceof HttpFailure ? (e as { cause: HttpFailure }).cause.status : 0);
