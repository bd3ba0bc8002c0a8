import type { Logger } from 'pino';
import type { JobQueue } from './queue.js';
import { afterCommit } from '../catalog/unit-of-work.js';

interface Pending { name: string; data: unknown; key?: string }

/**
 * The default JobQueue: in memory, in this process. Nothing is persisted on purpose: on start
 * the service queues a look at every destination, and the ledgers say what is left to do.
 * Failed handlers are retried with exponential backoff and jitter.
 */
export class InProcessQueue implements JobQueue {
  private readonly handlers = new Map<string, { fn: (data: any) => Promise<void>; concurrency: number; running: number }>();
  private readonly ready: Pending[] = [];
  private readonly waitingKeys = new Set<string>();
  private readonly runningKeys = new Map<string, Pending | null>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private active = 0;
  private stopped = false;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly log: Logger, private readonly retry = { attempts: 5, baseMs: 1000 }) {}

  /**
   * Sent inside a unit of work (an API change), the job is queued once the change is committed:
   * run at once it would look before the change is there, and its queries would join the
   * change's transaction.
   */
  async send(name: string, data: unknown, opts: { singletonKey?: string; delayMs?: number } = {}): Promise<void> {
    afterCommit(() => this.sendNow(name, data, opts));
  }

  private sendNow(name: string, data: unknown, opts: { singletonKey?: string; delayMs?: number }): void {
    if (this.stopped) return;
    const key = opts.singletonKey ? `${name}:${opts.singletonKey}` : undefined;
    if (key && this.waitingKeys.has(key)) return;
    if (key && this.runningKeys.has(key)) { this.runningKeys.set(key, { name, data, key }); return; }
    if (key) this.waitingKeys.add(key);
    this.later({ name, data, key }, opts.delayMs ?? 0);
  }

  private later(job: Pending, delayMs: number): void {
    if (delayMs <= 0) { this.ready.push(job); this.pump(); return; }
    const t = setTimeout(() => { this.timers.delete(t); this.ready.push(job); this.pump(); }, delayMs);
    this.timers.add(t);
  }

  work(name: string, fn: (data: any) => Promise<void>, opts: { concurrency?: number } = {}): void {
    this.handlers.set(name, { fn, concurrency: opts.concurrency ?? 1, running: 0 });
    this.pump();
  }

  private pump(): void {
    for (let i = 0; i < this.ready.length && !this.stopped; ) {
      const job = this.ready[i]!;
      const h = this.handlers.get(job.name);
      if (!h || h.running >= h.concurrency || (job.key && this.runningKeys.has(job.key))) { i++; continue; }
      this.ready.splice(i, 1);
      if (job.key) { this.waitingKeys.delete(job.key); this.runningKeys.set(job.key, null); }
      h.running++; this.active++;
      void this.run(job, h.fn, 1).finally(() => {
        h.running--; this.active--;
        const followUp = job.key ? this.runningKeys.get(job.key) : null;
        if (job.key) this.runningKeys.delete(job.key);
        if (followUp) this.sendNow(followUp.name, followUp.data, { singletonKey: followUp.key!.slice(followUp.name.length + 1) });
        this.pump();
        this.checkIdle();
      });
    }
    this.checkIdle();
  }

  private async run(job: Pending, fn: (data: any) => Promise<void>, attempt: number): Promise<void> {
    try {
      await fn(job.data);
    } catch (err) {
      if (attempt >= this.retry.attempts || this.stopped) {
        this.log.error({ err, job: job.name, key: job.key }, 'job failed for good; the next trigger will look again');
        return;
      }
      const delay = this.retry.baseMs * 2 ** (attempt - 1) * (0.5 + Math.random());
      this.log.warn({ err, job: job.name, attempt, delay }, 'job failed, retrying');
      await new Promise((r) => { const t = setTimeout(() => { this.timers.delete(t); r(undefined); }, delay); this.timers.add(t); });
      if (!this.stopped) await this.run(job, fn, attempt + 1);
    }
  }

  private checkIdle(): void {
    if (this.active === 0 && this.ready.length === 0 && this.timers.size === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      waiters.forEach((w) => w());
    }
  }

  idle(): Promise<void> {
    return new Promise((resolve) => { this.idleWaiters.push(resolve); this.checkIdle(); });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.ready.length = 0;
    while (this.active > 0) await new Promise((r) => setTimeout(r, 20));
    this.checkIdle();
  }
}
