import { RequestThread, threadModule, type ThreadEnd } from '../../threads/thread.js';
import { OcrError } from '../types.js';
import type { PageReply, PageRequest } from './protocol.js';

/**
 * The service's end of one page thread (worker.ts). When the thread dies (out of memory, a
 * crash in the native canvas) every waiting request fails at once, and the pool replaces it.
 */

type Request = PageRequest extends infer R ? R extends { job: number } ? Omit<R, 'job'> : never : never;

const workerModule = threadModule('worker', import.meta.url);

export class PageThread extends RequestThread<Request, PageReply> {
  /** `onGone` is told once, when the thread has ended for whatever reason. */
  constructor(memoryMb: number, onGone: () => void = () => {}) {
    super('pages', { module: workerModule, memoryMb, onGone, died: (end) => pageThreadDied(end, memoryMb) });
  }

  /** Tells the thread a document is done with; nothing comes back. */
  forget(doc: number): void {
    this.tell({ op: 'forget', doc } satisfies PageRequest);
  }

  override terminate(): Promise<void> {
    return super.terminate(new OcrError('cancelled', 'The thread preparing pages for OCR was stopped.'));
  }
}

function pageThreadDied(end: ThreadEnd, memoryMb: number): OcrError {
  if ('exitCode' in end) return new OcrError('malformed', `The thread preparing the document for OCR stopped (exit code ${end.exitCode}). The file may be damaged; ask the sender for a new copy.`);
  return end.error.code === 'ERR_WORKER_OUT_OF_MEMORY'
    ? new OcrError('too_large', `Preparing the document for OCR needed more than the ${memoryMb} MB of memory allowed, and was stopped. Scan at 300 dpi or less, or split the document.`)
    : new OcrError('malformed', `Preparing the document for OCR failed (${end.error.message}). It may be damaged; ask the sender for a new copy.`);
}
