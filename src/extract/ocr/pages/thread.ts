import { Worker } from 'node:worker_threads';
import type { PoolWorker } from '../pool.js';
import { OcrError } from '../types.js';
import type { PageReply, PageRequest } from './protocol.js';

/**
 * The service's end of one page thread: requests go out with a job number, replies come back
 * with it. When the thread dies (out of memory, a crash in the native canvas) every waiting
 * request fails at once, and the pool replaces the thread.
 */

type Request = PageRequest extends infer R ? R extends { job: number } ? Omit<R, 'job'> : never : never;

// Built, the thread is worker.js next to this file. Run from the TypeScript sources (tests,
// `npm run dev`), it is worker.ts, which a new thread can load only once tsx is registered in it.
const fromSources = import.meta.url.endsWith('.ts');
const workerUrl = new URL(`./worker.${fromSources ? 'ts' : 'js'}`, import.meta.url);

function spawn(memoryMb: number): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: Math.max(8, Math.min(64, memoryMb / 8)) };
  if (!fromSources) return new Worker(workerUrl, { resourceLimits });
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(workerUrl.href)}); });`;
  return new Worker(boot, { eval: true, resourceLimits });
}

export class PageThread implements PoolWorker {
  readonly key = 'pages';
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (reply: PageReply) => void; reject: (err: Error) => void }>();
  private nextJob = 1;
  private dead: Error | null = null;

  /** `onGone` is told once, when the thread has ended for whatever reason. */
  constructor(private readonly memoryMb: number, private readonly onGone: () => void = () => {}) {
    this.worker = spawn(memoryMb);
    this.worker.on('message', (reply: PageReply) => {
      const waiter = this.waiting.get(reply.job);
      this.waiting.delete(reply.job);
      if (this.waiting.size === 0) this.worker.unref();
      waiter?.resolve(reply);
    });
    this.worker.on('error', (err: Error & { code?: string }) => this.die(err.code === 'ERR_WORKER_OUT_OF_MEMORY'
      ? new OcrError('too_large', `Preparing the document for OCR needed more than the ${this.memoryMb} MB of memory allowed, and was stopped. Scan at 300 dpi or less, or split the document.`)
      : new OcrError('malformed', `Preparing the document for OCR failed (${err.message}). It may be damaged; ask the sender for a new copy.`)));
    this.worker.on('exit', (code) => this.die(new OcrError('malformed', `The thread preparing the document for OCR stopped (exit code ${code}). The file may be damaged; ask the sender for a new copy.`)));
    // an idle thread must not keep a finished command-line run alive; a busy one must
    this.worker.unref();
  }

  /**
   * The thread's answer, a failure it reports included (a damaged file leaves the thread
   * healthy); rejects only when the thread itself is gone.
   */
  request(request: Request): Promise<PageReply> {
    if (this.dead) return Promise.reject(this.dead);
    const job = this.nextJob++;
    return new Promise<PageReply>((resolve, reject) => {
      this.waiting.set(job, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ ...request, job });
    });
  }

  /** Tells the thread a document is done with; nothing comes back. */
  forget(doc: number): void {
    if (!this.dead) this.worker.postMessage({ op: 'forget', doc } satisfies PageRequest);
  }

  async terminate(): Promise<void> {
    this.die(new OcrError('cancelled', 'The thread preparing pages for OCR was stopped.'));
    await this.worker.terminate();
  }

  private die(err: Error): void {
    if (!this.dead) this.onGone();
    this.dead ??= err;
    for (const waiter of this.waiting.values()) waiter.reject(this.dead);
    this.waiting.clear();
  }
}
