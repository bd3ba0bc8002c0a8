/** One allowance per key and window: take() counts one, or says the key used it up. */
export interface RateCounter {
  take(key: string): boolean | Promise<boolean>;
}

/**
 * Counts events per key in fixed windows (an hour, say): enough to stop one sender or one
 * address from flooding the inbox, with memory bounded by the keys seen in the current window.
 * Counts in this process only; several listener processes share the database's counts instead
 * (catalog/smtp-rates.ts, wired in main/inbound-mail.ts).
 */
export class WindowCounter implements RateCounter {
  private windowStart = 0;
  private counts = new Map<string, number>();

  constructor(private readonly limit: number, private readonly windowMs: number, private readonly clock: () => number = Date.now) {}

  /** Counts one for `key`; false once the key has used its `limit` in this window (then nothing is counted). */
  take(key: string): boolean {
    const t = this.clock();
    if (t - this.windowStart >= this.windowMs) { this.windowStart = t; this.counts = new Map(); }
    const n = this.counts.get(key) ?? 0;
    if (n >= this.limit) return false;
    this.counts.set(key, n + 1);
    return true;
  }
}
