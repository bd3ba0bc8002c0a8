import { DEFAULT_LIMITS, type ExtractionInput, type ExtractionResult, type Limits } from './types.js';
import { formatBytes } from './budget.js';
import { failure } from './read.js';
import { readScan } from './text/read-scan.js';
import { closeOcr } from './ocr/index.js';
import type { PoolStats } from './threads/pool.js';
import { BUSY_RETRY_AFTER_S, DEFAULT_EXTRACTION_QUEUE, ExtractionThreads, type ExtractionThreadOptions } from './isolated/service.js';

/**
 * The one entry point: bytes in, an Extraction or a typed failure out. It never throws and
 * never reads more than the limits allow, whatever the bytes are: a hostile XML, a zip bomb,
 * a truncated PDF, a photo.
 *
 * The bytes are parsed in an extraction thread (isolated/), never in the calling thread: a
 * file built to stall or exhaust its reader costs that thread, which is terminated at the
 * time limit, and the caller (the API, collection, the CLI) stays responsive. Scans and photos
 * go on to OCR, which runs in threads of its own.
 */

export interface ExtractionOptions extends ExtractionThreadOptions {
  /** Limits for every document; a call's own limits override them. */
  limits?: Partial<Limits>;
}

let options: ExtractionOptions = {};
let threads: ExtractionThreads | null = null;
/** Scans and photos in OCR now: bounded like the extraction line, as each holds its bytes while it waits. */
let inOcr = 0;

/**
 * Sets the threads and limits of later reads (the composition root calls it from the
 * configuration, before any document is read). Threads already started with other settings
 * are ended; the same settings again (a second composition in one process) keep them.
 */
export function configureExtraction(next: ExtractionOptions): void {
  if (JSON.stringify(next) === JSON.stringify(options)) return;
  options = { ...next };
  void threads?.close();
  threads = null;
}

/** The extraction threads' counts (replaced: threads ended because their document had to be stopped). */
export const extractionStats = (): PoolStats | null => threads?.stats() ?? null;

/** The limits a document is read with when the call gives none. */
export const extractionLimits = (): Limits => resolveLimits(options.limits ?? {});

/** Ends the extraction threads and OCR's; the next document starts them again. */
export async function closeExtraction(): Promise<void> {
  const running = threads;
  threads = null;
  await Promise.all([running?.close(), closeOcr()]);
}

export async function extractDocument(input: ExtractionInput, limits: Partial<Limits> = {}): Promise<ExtractionResult> {
  const resolved = resolveLimits({ ...options.limits, ...defined(limits) });
  // callers in plain JavaScript may pass a Uint8Array or nothing at all
  const given: unknown = input?.bytes;
  const bytes = Buffer.isBuffer(given) ? given
    : given instanceof Uint8Array ? Buffer.from(given.buffer, given.byteOffset, given.byteLength) : null;
  if (!bytes) return failure('unsupported', 'No file content was given.');
  if (bytes.length > resolved.maxInputBytes) {
    return failure('too_large', `The file is ${formatBytes(bytes.length)}; files of more than ${formatBytes(resolved.maxInputBytes)} are not read. ` +
      'Ask the sender for a smaller file, or split a scan into separate documents.');
  }
  if (bytes.length === 0) return failure('malformed', 'The file is empty (0 bytes): the upload or download probably failed. Add it again.');
  threads ??= new ExtractionThreads(options);
  const reading = await threads.read(bytes, input.filename, input.mime, resolved);
  if (!('ocr' in reading)) return reading;
  const maxInOcr = threads.size + (options.queue ?? DEFAULT_EXTRACTION_QUEUE);
  if (inOcr >= maxInOcr) {
    return failure('busy', `Dossier is already reading ${inOcr} scans or photos by OCR. Try again in ${BUSY_RETRY_AFTER_S} seconds.`);
  }
  inOcr++;
  try {
    return await readScan(bytes, reading.ocr, resolved);
  } finally {
    inOcr--;
  }
}

export function resolveLimits(overrides: Partial<Limits>): Limits {
  const limits: Limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as Array<keyof Limits>) {
    const value = overrides[key];
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) limits[key] = value;
  }
  return limits;
}

const defined = (limits: Partial<Limits>): Partial<Limits> =>
  Object.fromEntries(Object.entries(limits ?? {}).filter(([, v]) => v !== undefined));
