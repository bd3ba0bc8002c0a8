import type { ExtractionFailure, FailureReason, Limits } from './types.js';

/**
 * Readers deep inside the PDF or XML code stop by throwing this; extractDocument turns it
 * into an ExtractionFailure, so only one place needs to know how a failure looks.
 */
export class ExtractionError extends Error {
  constructor(readonly reason: FailureReason, message: string) {
    super(message);
    this.name = 'ExtractionError';
  }

  toFailure(): ExtractionFailure {
    return { ok: false, reason: this.reason, message: this.message };
  }
}

export function fail(reason: FailureReason, message: string): never {
  throw new ExtractionError(reason, message);
}

const MB = 1024 * 1024;
export const formatBytes = (n: number): string =>
  n >= MB ? `${(n / MB).toFixed(n >= 10 * MB ? 0 : 1)} MB` : n >= 1024 ? `${Math.ceil(n / 1024)} KB` : `${n} bytes`;

export const timeoutMessage = (timeoutMs: number): string =>
  `Reading the document took longer than ${timeoutMs / 1000} s and was stopped. ` +
  'Try again later; if it keeps happening the file is probably damaged or unusually complex.';

/**
 * The work one document may still cause: time left and decompressed bytes left. Passed down
 * to every reader, so a zip bomb or a pathological file stops at the limit wherever it is.
 */
export class Budget {
  private startedAt: number;
  private inflated = 0;

  constructor(readonly limits: Limits, private readonly now: () => number = Date.now) {
    this.startedAt = now();
  }

  /** Throws a timeout failure once the time budget is spent. Cheap enough for inner loops. */
  checkTime(): void {
    if (this.now() - this.startedAt >= this.limits.timeoutMs) fail('timeout', timeoutMessage(this.limits.timeoutMs));
  }

  /**
   * Waits for work that is not the document's own (loading a reader's code on first use) and
   * gives its time back, so a cold start cannot make a small document time out.
   */
  async excluding<T>(work: Promise<T>): Promise<T> {
    const before = this.now();
    try {
      return await work;
    } finally {
      this.startedAt += this.now() - before;
    }
  }

  /** How many more bytes decompression may produce, capped by the caller's own limit. */
  inflateAllowance(cap = Infinity): number {
    return Math.max(0, Math.min(cap, this.limits.maxInflatedBytes - this.inflated));
  }

  recordInflated(bytes: number): void {
    this.inflated += bytes;
  }

  tooMuchInflated(what: string): never {
    return fail('too_large', `${what} unpacks to more than ${formatBytes(this.limits.maxInflatedBytes)}, the limit for one document. ` +
      'The file may be a compression bomb; if it is a genuine invoice, ask the sender for a smaller file.');
  }
}
