import { availableParallelism } from 'node:os';
import { formatBytes, timeoutMessage } from '../budget.js';
import { failure, type Reading } from '../read.js';
import { PoolBusyError, WorkerPool, type PoolStats } from '../threads/pool.js';
import { RequestThread, threadModule, type ThreadEnd } from '../threads/thread.js';
import type { Limits } from '../types.js';
import type { ReadReply, ThreadRequest } from './protocol.js';

/**
 * Untrusted documents are read in a fixed number of extraction threads (worker.ts), each with
 * a heap limit, behind a bounded waiting line. The serving thread only waits for the answer:
 * a document that outlasts its time has its thread terminated (not just left behind), one
 * that exhausts the heap kills only its thread, and either way the pool starts a fresh thread
 * for the next document. When every thread is busy and the line is full, a document is
 * refused at once as `busy`, so a flood of uploads cannot pile up bytes and work in memory.
 */

export interface ExtractionThreadOptions {
  /** Documents read at once (threads); default min(2, cores). */
  workers?: number;
  /** Documents that may wait for a free thread; one more is answered `busy`. Default 16. */
  queue?: number;
  /** Heap of each thread in MB (V8 old generation); default 512. */
  memoryMb?: number;
  /** A thread unused this long is ended, giving its memory back (default 15 s). */
  idleMs?: number;
}

export const defaultExtractionWorkers = (): number => Math.max(1, Math.min(2, availableParallelism()));
export const DEFAULT_EXTRACTION_QUEUE = 16;
export const DEFAULT_EXTRACTION_MEMORY_MB = 512;
/**
 * Past the document's own time limit, the thread gets this long to report the timeout itself
 * (with the pages read so far) before it is terminated.
 */
export const KILL_GRACE_MS = 1_000;
/** What a `busy` answer suggests as the wait before trying again (the API's Retry-After). */
export const BUSY_RETRY_AFTER_S = 5;

type Request = ThreadRequest extends infer R ? R extends { job: number } ? Omit<R, 'job'> : never : never;

const workerModule = threadModule('worker', import.meta.url);

export class ExtractionThreads {
  private readonly pool: WorkerPool<RequestThread<Request, ReadReply>>;
  private closed = false;

  constructor(readonly options: ExtractionThreadOptions = {}) {
    const memoryMb = options.memoryMb ?? DEFAULT_EXTRACTION_MEMORY_MB;
    this.pool = new WorkerPool(
      options.workers ?? defaultExtractionWorkers(),
      async (key) => {
        const thread = new RequestThread<Request, ReadReply>(key, { module: workerModule, memoryMb, died: (end) => threadDied(end, memoryMb) });
        // the thread's start (its modules, pdfjs) happens before a document's time starts
        await thread.request({ op: 'warm' });
        return thread;
      },
      options.idleMs,
      options.queue ?? DEFAULT_EXTRACTION_QUEUE,
    );
  }

  /** The document read in a thread; never throws: a thread that had to be stopped is a typed failure. */
  async read(bytes: Buffer, filename: string | undefined, mime: string | undefined, limits: Limits): Promise<Reading> {
    if (this.closed) return stopping();
    try {
      const reply = await this.pool.run('extract', async (thread) => {
        const answer = await thread.request({ op: 'read', bytes: new Uint8Array(bytes), filename, mime, limits });
        // a rejected job takes its thread with it: the answer stands, the thread is ended
        if (answer.spent && answer.reading) throw new SpentThread(answer.reading);
        return answer;
      }, {
        timeoutMs: limits.timeoutMs + KILL_GRACE_MS,
        onTimeout: () => new ThreadStopped('timeout', timeoutMessage(limits.timeoutMs)),
        onAbort: () => new ThreadStopped('timeout', timeoutMessage(limits.timeoutMs)),
      });
      if (!reply.reading) throw new Error('An extraction thread answered a document with nothing.');
      return reply.reading;
    } catch (err) {
      if (err instanceof SpentThread) return err.reading;
      if (err instanceof ThreadStopped) return failure(err.reason, err.message);
      if (err instanceof PoolBusyError) {
        return failure('busy', `Dossier is already reading as many documents as it can, with ${err.queued} more waiting. ` +
          `Try again in ${BUSY_RETRY_AFTER_S} seconds.`);
      }
      if (this.closed) return stopping();
      const detail = err instanceof Error ? err.message : String(err);
      return failure('malformed', `The document could not be read (${detail}). It may be damaged; ask the sender for a new copy.`);
    }
  }

  /** Documents read at once. */
  get size(): number {
    return this.pool.size;
  }

  stats(): PoolStats {
    return this.pool.stats();
  }

  close(): Promise<void> {
    this.closed = true;
    return this.pool.close();
  }
}

/** Why a thread's document ended without an answer from the thread. */
class ThreadStopped extends Error {
  constructor(readonly reason: 'timeout' | 'too_large' | 'malformed', message: string) {
    super(message);
  }
}

/** The thread answered, but its time ran out while reading: it is ended after this answer. */
class SpentThread extends Error {
  constructor(readonly reading: Reading) {
    super('The extraction thread ran out of time while reading.');
  }
}

function threadDied(end: ThreadEnd, memoryMb: number): ThreadStopped {
  if ('error' in end && end.error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new ThreadStopped('too_large', `Reading the document needed more than the ${formatBytes(memoryMb * 1024 * 1024)} of memory allowed for one document, ` +
      'and was stopped. The file may be a compression bomb; if it is a genuine invoice, ask the sender for a smaller file.');
  }
  const detail = 'error' in end ? end.error.message : `exit code ${end.exitCode}`;
  return new ThreadStopped('malformed', `The thread reading the document stopped (${detail}). The file may be damaged; ask the sender for a new copy.`);
}

const stopping = (): Reading =>
  failure('busy', 'Dossier is stopping, so the document was not read. Try again once it has restarted.');
