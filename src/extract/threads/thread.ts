import { Worker } from 'node:worker_threads';
import type { PoolWorker } from './pool.js';

/**
 * The serving side of one worker thread that answers numbered requests: requests go out with a
 * job number, replies come back with it. The thread has a heap limit (resourceLimits), so a
 * document that needs more memory kills the thread, not the process. When the thread dies
 * (out of memory, a crash, terminate()) every waiting request fails at once with the error
 * `died` describes, and the pool replaces the thread.
 */

/** Why a thread ended: the worker's error, or its exit code when it just stopped. */
export type ThreadEnd = { error: Error & { code?: string } } | { exitCode: number };

export interface ThreadOptions {
  /** The module the thread runs, as `threadModule()` gives it. */
  module: URL;
  /** Heap of the thread (old generation); the young generation gets an eighth, 8 to 64 MB. */
  memoryMb: number;
  /** The error waiting requests fail with when the thread ends. */
  died: (end: ThreadEnd) => Error;
  /** Told once, when the thread has ended for whatever reason. */
  onGone?: () => void;
}

// Built, a thread's module is a .js file next to the code that starts it. Run from the
// TypeScript sources (tests, `npm run dev`), it is a .ts file, which a new thread can load
// only once tsx is registered in it.
const fromSources = import.meta.url.endsWith('.ts');

/** The URL of thread module `name` (without extension) next to `base` (an import.meta.url). */
export const threadModule = (name: string, base: string): URL => new URL(`./${name}.${fromSources ? 'ts' : 'js'}`, base);

function spawn(module: URL, memoryMb: number): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: Math.max(8, Math.min(64, memoryMb / 8)) };
  if (!fromSources) return new Worker(module, { resourceLimits });
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(module.href)}); });`;
  return new Worker(boot, { eval: true, resourceLimits });
}

export class RequestThread<Request extends object, Reply extends { job: number }> implements PoolWorker {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (reply: Reply) => void; reject: (err: Error) => void }>();
  private nextJob = 1;
  private dead: Error | null = null;

  constructor(readonly key: string, private readonly options: ThreadOptions) {
    this.worker = spawn(options.module, options.memoryMb);
    this.worker.on('message', (reply: Reply) => {
      const waiter = this.waiting.get(reply.job);
      this.waiting.delete(reply.job);
      if (this.waiting.size === 0) this.worker.unref();
      waiter?.resolve(reply);
    });
    this.worker.on('error', (error: Error & { code?: string }) => this.die(options.died({ error })));
    this.worker.on('exit', (exitCode) => this.die(options.died({ exitCode })));
    // an idle thread must not keep a finished command-line run alive; a busy one must
    this.worker.unref();
  }

  /**
   * The thread's answer, a failure it reports included (a damaged file leaves the thread
   * healthy); rejects only when the thread itself is gone. `transfer` moves buffers instead of
   * copying them.
   */
  request(request: Request, transfer: ArrayBuffer[] = []): Promise<Reply> {
    if (this.dead) return Promise.reject(this.dead);
    const job = this.nextJob++;
    return new Promise<Reply>((resolve, reject) => {
      this.waiting.set(job, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ ...request, job }, transfer);
    });
  }

  /** A message that gets no reply. */
  tell(message: object): void {
    if (!this.dead) this.worker.postMessage(message);
  }

  /** Ends the thread at once, even in the middle of a job; waiting requests fail with `reason`. */
  async terminate(reason: Error = new Error('The worker thread was stopped.')): Promise<void> {
    this.die(reason);
    await this.worker.terminate();
  }

  private die(err: Error): void {
    if (!this.dead) this.options.onGone?.();
    this.dead ??= err;
    for (const waiter of this.waiting.values()) waiter.reject(this.dead);
    this.waiting.clear();
  }
}
