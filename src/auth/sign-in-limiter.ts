/**
 * Slows down password guessing: after `maxFailures` failed sign-ins for one address, or from one
 * client, within `windowMs`, further attempts are refused until the window has passed. Kept in
 * memory: one server process answers sign-ins (a worker process never does), and a restart
 * forgetting the count costs an attacker a restart of our server, which they cannot cause.
 */
export interface LimiterOptions { maxFailures?: number; windowMs?: number; now?: () => number }

export class SignInLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly max: number;
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor(o: LimiterOptions = {}) {
    this.max = o.maxFailures ?? 5;
    this.windowMs = o.windowMs ?? 15 * 60_000;
    this.now = o.now ?? Date.now;
  }

  private recent(key: string): number[] {
    const since = this.now() - this.windowMs;
    const list = (this.failures.get(key) ?? []).filter((t) => t > since);
    if (list.length) this.failures.set(key, list); else this.failures.delete(key);
    return list;
  }

  /** Milliseconds to wait before the next attempt with these keys, or 0 when one may be made now. */
  retryAfterMs(keys: string[]): number {
    let wait = 0;
    for (const key of keys) {
      const list = this.recent(key);
      if (list.length >= this.max) wait = Math.max(wait, list[list.length - this.max]! + this.windowMs - this.now());
    }
    return wait;
  }

  fail(keys: string[]): void {
    for (const key of keys) this.failures.set(key, [...this.recent(key), this.now()]);
    // Bounded memory under a flood of distinct keys: the oldest entries go first.
    while (this.failures.size > 50_000) this.failures.delete(this.failures.keys().next().value!);
  }

  succeed(keys: string[]): void {
    for (const key of keys) this.failures.delete(key);
  }
}
