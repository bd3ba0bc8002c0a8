import type { GrayImage } from '../gray.js';
import { WorkerPool, type PoolStats, type RunOptions } from '../../threads/pool.js';
import { OcrError, type OcrLimits } from '../types.js';
import type { DocumentRef, PageReply } from './protocol.js';
import { PageThread } from './thread.js';

/**
 * Pages of scans and photos, prepared in worker threads: the same bounded pool as recognition
 * (pool.ts), so a page that takes too long or a thread that dies is stopped and replaced, and
 * the serving thread only waits. Each request is one job with the caller's time and signal.
 */

/** Pages of one document, prepared on request. */
export interface PageSource {
  total: number;
  render(n: number): Promise<GrayImage>;
  close(): Promise<void>;
}

/** Heap of one page thread; pdfjs on a heavy page stays well below it. */
export const DEFAULT_PAGE_MEMORY_MB = 512;

export class PageRenderer {
  private readonly pool: WorkerPool<PageThread>;
  private readonly threads = new Set<PageThread>();
  private nextDocument = 1;

  constructor(size: number, memoryMb = DEFAULT_PAGE_MEMORY_MB, idleMs?: number) {
    this.pool = new WorkerPool(size, async () => {
      const thread: PageThread = new PageThread(memoryMb, () => this.threads.delete(thread));
      this.threads.add(thread);
      return thread;
    }, idleMs);
  }

  /**
   * Opens `bytes` in a page thread (page count checked there against the limits); `job` gives
   * each request its time limit and the document's signal.
   */
  async open(bytes: Buffer, kind: 'pdf' | 'image', limits: OcrLimits, job: () => RunOptions): Promise<PageSource> {
    const shared = new SharedArrayBuffer(bytes.length);
    new Uint8Array(shared).set(bytes);
    const doc: DocumentRef = { id: this.nextDocument++, kind, bytes: shared };
    const opened = succeeded(await this.pool.run('pages', (t) => t.request({ op: 'open', doc, limits }), job()));
    if (!('total' in opened)) throw new Error('A page thread answered an open request with a page.');
    return {
      total: opened.total,
      render: async (page) => {
        const reply = succeeded(await this.pool.run('pages', (t) => t.request({ op: 'render', doc, page, limits }), job()));
        if (!('data' in reply)) throw new Error('A page thread answered a render request without a page.');
        return { width: reply.width, height: reply.height, data: reply.data };
      },
      close: async () => { for (const thread of this.threads) thread.forget(doc.id); },
    };
  }

  stats(): PoolStats {
    return this.pool.stats();
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

function succeeded(reply: PageReply): Extract<PageReply, { ok: true }> {
  if (!reply.ok) throw new OcrError(reply.reason, reply.message);
  return reply;
}
