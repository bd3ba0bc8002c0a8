import { parentPort } from 'node:worker_threads';
import { ExtractionError } from '../budget.js';
import { failure, readUntrusted, type Reading } from '../read.js';
import { preloadPdfJs } from '../text/pdf-text.js';
import type { ReadReply, ReadRequest, ThreadRequest } from './protocol.js';

/**
 * An extraction thread: reads one document at a time (the pool sees to that) with the readers
 * of read.ts, away from the thread that serves requests. Whatever the document does to this
 * thread (a stall inside pdfjs, a compression bomb, a heap exhausted), the serving thread goes
 * on answering, and ends this thread when the document's time is up.
 */

async function answer(request: ReadRequest): Promise<Reading> {
  const bytes = Buffer.from(request.bytes.buffer, request.bytes.byteOffset, request.bytes.byteLength);
  try {
    return await readUntrusted(bytes, request.filename, request.mime, request.limits);
  } catch (err) {
    if (err instanceof ExtractionError) return err.toFailure();
    // A bug or an input we did not foresee: still a typed answer, and the thread stays usable.
    const detail = err instanceof Error ? err.message : String(err);
    return failure('malformed', `The document could not be read (${detail}). It may be damaged; ask the sender for a new copy.`);
  }
}

/** A timeout, or pages left unread when the time ran out: see ReadReply.spent. */
const timeRanOut = (reading: Reading | null): boolean => reading !== null && !('ocr' in reading) &&
  (reading.ok ? reading.warnings.some((w) => w.code === 'partial_read') : reading.reason === 'timeout');

parentPort?.on('message', (request: ThreadRequest) => {
  const work = request.op === 'warm' ? preloadPdfJs().then(() => null) : answer(request);
  void work.then((reading) => parentPort!.postMessage({ job: request.job, reading, spent: timeRanOut(reading) } satisfies ReadReply));
});
