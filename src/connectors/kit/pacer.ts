import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectorError } from '../connector.js';
import { cancelled } from './abort.js';

export interface PacerOptions {
  /** Requests per second in the long run. */
  perSecond: number;
  /** Requests that may start at once after a quiet spell. */
  burst: number;
}

/**
 * A token bucket in front of a provider's API: bursts up to `burst` requests, then `perSecond`.
 * Providers that throttle per user (Google Drive) answer a steady client better than one that
 * runs into the limit and backs off; rclone paces Drive the same way (100 ms, burst 100).
 */
export class Pacer {
  private tokens: number;
  private last = Date.now();
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly opts: PacerOptions) {
    if (!(opts.perSecond > 0) || !(opts.burst >= 1)) throw new ConnectorError('fatal', 'A pacer needs a positive rate and a burst of at least 1.');
    this.tokens = opts.burst;
  }

  /** Resolves when the next request may start; callers wait in order. */
  take(signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(async () => {
      this.refill();
      if (this.tokens < 1) {
        await sleep(Math.ceil(((1 - this.tokens) / this.opts.perSecond) * 1000), undefined, { signal });
        this.refill();
      }
      this.tokens = Math.max(0, this.tokens - 1);
    });
    this.queue = turn.catch(() => undefined);
    return turn.catch((e) => {
      if (signal?.aborted) throw cancelled(e);
      throw e;
    });
  }

  private refill(): void {
    const now = Date.now();
    this.tokens = Math.min(this.opts.burst, this.tokens + ((now - this.last) / 1000) * this.opts.perSecond);
    this.last = now;
  }
}
