/**
 * A bounded set of workers (OCR engines, page threads, extraction threads): created when first
 * needed, reused between jobs, ended on close.
 * A job that runs past its timeout or is cancelled takes its worker with it (a stuck engine
 * cannot be trusted to finish), and so does one that failed: the next job gets a fresh worker.
 * Workers are made per key (an OCR language set); when every slot is taken by another key, an
 * idle worker of that key makes way. The waiting line may be bounded: a job that finds it full
 * is refused at once with PoolBusyError, so a flood of work cannot pile up bytes in memory.
 */

export interface PoolWorker {
  readonly key: string;
  terminate(): Promise<void>;
}

export interface PoolStats {
  /** Workers made since the pool started. */
  created: number;
  /** Workers ended because their job failed, timed out or was cancelled. */
  replaced: number;
  alive: number;
  busy: number;
  queued: number;
}

export interface RunOptions {
  /** The job's own time; the wait for a free worker does not count. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** What the job rejects with when it runs past timeoutMs. */
  onTimeout: () => Error;
  /** What it rejects with when `signal` fires and the signal carries no Error of its own. */
  onAbort: () => Error;
}

/** Every worker is busy and the waiting line is full: try again later. */
export class PoolBusyError extends Error {
  constructor(readonly queued: number) {
    super(`All workers are busy and ${queued} jobs are already waiting.`);
    this.name = 'PoolBusyError';
  }
}

interface Waiter<W> {
  key: string;
  grant: (worker: W) => void;
  refuse: (err: unknown) => void;
}

/** How long an unused worker is kept for the next page. */
export const IDLE_WORKER_MS = 15_000;

export class WorkerPool<W extends PoolWorker> {
  private readonly idle: W[] = [];
  private readonly busy = new Set<W>();
  private readonly queue: Waiter<W>[] = [];
  private starting = 0;
  private closed = false;
  private created = 0;
  private replaced = 0;

  private readonly idleSince = new Map<W, NodeJS.Timeout>();

  /**
   * `idleMs`: a worker unused that long is ended, so an idle service gives its memory back and
   * a one-shot command (or a test) is not kept alive by workers nobody will use again.
   * `maxQueued`: jobs that may wait for a worker; one more is refused with PoolBusyError.
   */
  constructor(
    readonly size: number, private readonly create: (key: string) => Promise<W>,
    private readonly idleMs = IDLE_WORKER_MS, private readonly maxQueued = Infinity,
  ) {
    if (!(size >= 1)) throw new RangeError(`A worker pool needs at least one worker (got ${size}).`);
  }

  stats(): PoolStats {
    return { created: this.created, replaced: this.replaced, alive: this.idle.length + this.busy.size, busy: this.busy.size, queued: this.queue.length };
  }

  async run<T>(key: string, job: (worker: W) => Promise<T>, options: RunOptions): Promise<T> {
    const worker = await this.acquire(key, options);
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const interrupted = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(options.onTimeout()), options.timeoutMs);
      onAbort = () => reject(abortReason(options));
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const result = await Promise.race([job(worker), interrupted]);
      settled = true;
      return result;
    } finally {
      clearTimeout(timer);
      if (onAbort) options.signal?.removeEventListener('abort', onAbort);
      interrupted.catch(() => {});
      this.release(worker, settled);
    }
  }

  /** Ends every worker and refuses waiting and later jobs. */
  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.queue.splice(0)) waiter.refuse(new Error('The worker pool was closed.'));
    for (const w of this.idle) this.wake(w);
    const all = [...this.idle.splice(0), ...this.busy];
    this.busy.clear();
    await Promise.allSettled(all.map((w) => w.terminate()));
  }

  private acquire(key: string, options: RunOptions): Promise<W> {
    if (this.closed) return Promise.reject(new Error('The worker pool was closed.'));
    if (options.signal?.aborted) return Promise.reject(abortReason(options));
    return new Promise<W>((resolve, reject) => {
      let gaveUp = false;
      const onAbort = (): void => {
        gaveUp = true;
        const at = this.queue.indexOf(waiter);
        if (at >= 0) this.queue.splice(at, 1);
        reject(abortReason(options));
      };
      const waiter: Waiter<W> = {
        key,
        grant: (w) => {
          options.signal?.removeEventListener('abort', onAbort);
          // cancelled while its worker was starting: the worker is fine, the next job gets it
          if (gaveUp) this.release(w, true); else resolve(w);
        },
        refuse: (err) => { options.signal?.removeEventListener('abort', onAbort); reject(err); },
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
      this.dispatch();
      // still waiting and beyond the line's length: refused now rather than held
      if (this.queue.length > this.maxQueued && this.queue.at(-1) === waiter) {
        this.queue.pop();
        waiter.refuse(new PoolBusyError(this.maxQueued));
      }
    });
  }

  /** Hands free capacity to waiters in arrival order. */
  private dispatch(): void {
    while (this.queue.length > 0 && !this.closed) {
      const waiter = this.queue[0]!;
      const same = this.idle.findIndex((w) => w.key === waiter.key);
      if (same >= 0) {
        this.queue.shift();
        const [worker] = this.idle.splice(same, 1);
        this.wake(worker!);
        this.busy.add(worker!);
        waiter.grant(worker!);
        continue;
      }
      const total = this.idle.length + this.busy.size + this.starting;
      if (total >= this.size) {
        if (this.idle.length === 0) return;
        const other = this.idle.shift()!;
        this.wake(other);
        this.retire(other); // a worker for another language set makes way
      }
      this.queue.shift();
      this.start(waiter);
    }
  }

  private start(waiter: Waiter<W>): void {
    this.starting++;
    this.created++;
    this.create(waiter.key).then(
      (worker) => {
        this.starting--;
        if (this.closed) { void worker.terminate().catch(() => {}); waiter.refuse(new Error('The worker pool was closed.')); return; }
        this.busy.add(worker);
        waiter.grant(worker);
      },
      (err) => {
        this.starting--;
        waiter.refuse(err);
        this.dispatch();
      },
    );
  }

  /** The worker is in use again (or going): its idle timer no longer applies. */
  private wake(worker: W): void {
    clearTimeout(this.idleSince.get(worker));
    this.idleSince.delete(worker);
  }

  private release(worker: W, healthy: boolean): void {
    if (!this.busy.delete(worker)) return; // the pool was closed meanwhile
    if (healthy && !this.closed) {
      this.idle.push(worker);
      const timer = setTimeout(() => {
        this.idleSince.delete(worker);
        const at = this.idle.indexOf(worker);
        if (at >= 0) { this.idle.splice(at, 1); this.retire(worker); }
      }, this.idleMs);
      timer.unref();
      this.idleSince.set(worker, timer);
    } else { this.replaced++; this.retire(worker); }
    this.dispatch();
  }

  private retire(worker: W): void {
    void worker.terminate().catch(() => {});
  }
}

function abortReason(options: RunOptions): Error {
  const reason: unknown = options.signal?.reason;
  return reason instanceof Error && reason.name !== 'AbortError' ? reason : options.onAbort();
}
