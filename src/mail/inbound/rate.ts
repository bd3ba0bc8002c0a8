/**
 * Counts events per key in fixed windows (an hour, say): enough to stop one sender or one
 * address from flooding the inbox, with memory bounded by the keys seen in the current window.
 */
export class WindowCounter {
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
