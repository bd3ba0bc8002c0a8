import type { PageText } from '../text/page-text.js';
import { formatBytes } from '../budget.js';
import { languageKey } from './engines/engine.js';
import type { GrayImage } from './gray.js';
import { readUpright } from './orientation.js';
import type { PageSource } from './pages/renderer.js';
import type { RunOptions } from '../threads/pool.js';
import type { RunningEngine } from './service.js';
import {
  OCR_LANGUAGES, OcrError, ocrFail, resolveOcrLimits,
  type OcrLanguage, type OcrLimits, type OcrOptions, type OcrSuccess,
} from './types.js';

/**
 * One document through OCR: check, open, then render and recognise page by page, both in
 * worker threads (pages/ and the engine's pool), so this thread only hands work out. Rendering
 * of the next page overlaps recognition of the previous ones, up to the pool's size, so at
 * most that many rendered pages are held in memory. The time budget covers everything; when it
 * runs out after some pages were read, those pages come back as a partial result.
 */
export async function readDocument(running: RunningEngine, bytes: Buffer, kind: 'pdf' | 'image', options: OcrOptions): Promise<OcrSuccess> {
  const limits = resolveOcrLimits(options.limits);
  const input = checkInput(bytes, limits);
  const languages = checkLanguages(options.languages ?? OCR_LANGUAGES, running.installed);
  const deadline = new Deadline(limits.timeoutMs, options.signal);
  try {
    const source = await deadline.race(running.pages.open(input, kind, limits, () => jobOptions(limits, deadline, 'Preparing')));
    try {
      return await readPages(running, source, languages, limits, deadline);
    } finally {
      await source.close().catch(() => {});
    }
  } finally {
    deadline.clear();
  }
}

async function readPages(running: RunningEngine, source: PageSource, languages: readonly OcrLanguage[], limits: OcrLimits, deadline: Deadline): Promise<OcrSuccess> {
  const wanted = Math.min(source.total, limits.maxOcrPages);
  const done: PageText[] = [];
  const inFlight: Promise<void>[] = [];
  let stoppedBy: OcrError | null = null;
  for (let n = 1; n <= wanted && !stoppedBy; n++) {
    try {
      deadline.check();
      if (inFlight.length >= running.pool.size) await inFlight.shift();
      const image = await deadline.race(source.render(n));
      inFlight.push(recognizePage(running, image, languages, limits, deadline).then((reading) => { done.push({ page: n, ...reading }); }));
      inFlight.at(-1)!.catch(() => {});
    } catch (err) {
      stoppedBy = toStop(err);
    }
  }
  for (const job of inFlight) {
    try { await job; } catch (err) { stoppedBy ??= toStop(err); }
  }
  done.sort((a, b) => a.page - b.page);
  // only running out of time leaves a useful part behind; cancellation and damage do not
  if (stoppedBy && !(stoppedBy.reason === 'timeout' && done.length > 0)) throw stoppedBy;
  const partial = done.length < source.total ? partialNote(done.length, source.total, stoppedBy ? 'time' : 'pages', limits) : null;
  return { ok: true, pages: done, engine: running.engine.name, partial };
}

async function recognizePage(running: RunningEngine, image: GrayImage, languages: readonly OcrLanguage[], limits: OcrLimits, deadline: Deadline): Promise<Omit<PageText, 'page'>> {
  const reading = await readUpright(image, (pgm) => running.pool.run(languageKey(languages), (worker) => worker.recognize(pgm), jobOptions(limits, deadline, 'Recognising')));
  return { text: reading.text, confidence: Math.round(reading.confidence * 1000) / 1000 };
}

/** One page's job, in a page thread or an OCR worker: its own time limit within the document's, and the document's signal. */
function jobOptions(limits: OcrLimits, deadline: Deadline, doing: 'Preparing' | 'Recognising'): RunOptions {
  const limit = doing === 'Preparing' ? limits.prepareTimeoutMs : limits.pageTimeoutMs;
  return {
    timeoutMs: Math.max(1, Math.min(limit, deadline.remaining())),
    signal: deadline.signal,
    onTimeout: () => deadline.remaining() <= 0 ? deadline.timeoutError() : new OcrError('timeout',
      `${doing} one page took longer than ${limit / 1000} s and was stopped. The scan may be unusually large or noisy; try a cleaner scan at 300 dpi.`),
    onAbort: () => deadline.cancelledError(),
  };
}

function partialNote(read: number, total: number, cause: 'time' | 'pages', limits: OcrLimits): OcrSuccess['partial'] {
  const why = cause === 'time'
    ? `reading was stopped after ${limits.timeoutMs / 1000} s`
    : `at most ${limits.maxOcrPages} pages of a scan are read`;
  return { pagesRead: read, pagesTotal: total, message: `Only ${read} of ${total} pages were read by OCR: ${why}. Fields on the other pages were not found; split the document to have them read.` };
}

function checkInput(bytes: unknown, limits: OcrLimits): Buffer {
  const buf = Buffer.isBuffer(bytes) ? bytes : bytes instanceof Uint8Array ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : null;
  if (!buf) return ocrFail('unsupported', 'No file content was given.');
  if (buf.length === 0) return ocrFail('malformed', 'The file is empty (0 bytes): the upload or download probably failed. Add it again.');
  if (buf.length > limits.maxInputBytes) {
    return ocrFail('too_large', `The file is ${formatBytes(buf.length)}; scans of more than ${formatBytes(limits.maxInputBytes)} are not read by OCR. Scan at 300 dpi or less, or split the document.`);
  }
  return buf;
}

function checkLanguages(languages: readonly OcrLanguage[], installed: Set<string> | null): readonly OcrLanguage[] {
  const unique = [...new Set(languages)].filter((l): l is OcrLanguage => (OCR_LANGUAGES as readonly string[]).includes(l));
  if (unique.length === 0) ocrFail('unsupported', `No OCR language was given that we can read; choose from ${OCR_LANGUAGES.join(', ')}.`);
  const missing = installed ? unique.filter((l) => !installed.has(l)) : [];
  if (missing.length > 0) {
    ocrFail('engine_unavailable', `The tesseract command has no data for ${missing.join(', ')}. Install the Debian package${missing.length > 1 ? 's' : ''} ${missing.map((l) => `tesseract-ocr-${l}`).join(', ')}.`);
  }
  return unique;
}

function toStop(err: unknown): OcrError {
  if (err instanceof OcrError) return err;
  return new OcrError('malformed', `OCR failed on a page (${err instanceof Error ? err.message : String(err)}). The file may be damaged; ask the sender for a new copy.`);
}

/** The document's time budget and the caller's cancellation as one signal. */
class Deadline {
  private readonly controller = new AbortController();
  private readonly startedAt = Date.now();
  private readonly timer: NodeJS.Timeout;
  private readonly onCallerAbort = (): void => this.controller.abort(this.cancelledError());

  constructor(private readonly timeoutMs: number, private readonly caller?: AbortSignal) {
    this.timer = setTimeout(() => this.controller.abort(this.timeoutError()), timeoutMs);
    if (caller?.aborted) this.onCallerAbort();
    else caller?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  get signal(): AbortSignal { return this.controller.signal; }
  remaining(): number { return this.timeoutMs - (Date.now() - this.startedAt); }

  check(): void {
    if (this.controller.signal.aborted) throw this.controller.signal.reason;
  }

  /** Settles with `work`, or with the stop reason as soon as time runs out or the caller cancels. */
  race<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, new Promise<never>((_, reject) => {
      if (this.signal.aborted) reject(this.signal.reason);
      this.signal.addEventListener('abort', () => reject(this.signal.reason), { once: true });
    })]);
  }

  timeoutError(): OcrError {
    return new OcrError('timeout', `OCR of the document took longer than ${this.timeoutMs / 1000} s and was stopped. Try again later, or split a long scan into separate documents.`);
  }

  cancelledError(): OcrError {
    return new OcrError('cancelled', 'OCR of the document was cancelled.');
  }

  clear(): void {
    clearTimeout(this.timer);
    this.caller?.removeEventListener('abort', this.onCallerAbort);
  }
}
