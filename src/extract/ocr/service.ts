import { availableParallelism } from 'node:os';
import { type OcrEngine, type OcrWorker } from './engines/engine.js';
import { nativeEngine, nativeLanguages } from './engines/native.js';
import { tesseractJsDataInstalled, tesseractJsEngine } from './engines/tesseract-js.js';
import { describe } from './images.js';
import { PageRenderer } from './pages/renderer.js';
import { WorkerPool, type PoolStats } from '../threads/pool.js';
import { readDocument } from './read-document.js';
import {
  OcrError, ocrFail,
  type OcrEngineChoice, type OcrEngineName, type OcrLanguage, type OcrOptions, type OcrResult,
} from './types.js';

export interface OcrServiceOptions {
  /** 'auto' (default): tesseract.js when its language packages are installed, else the native command. */
  engine?: OcrEngineChoice;
  /** Workers (threads or processes) running at once; default one per core, 1 to 8. */
  poolSize?: number;
  /** The native command's name or path. */
  nativeCommand?: string;
  /** Heap of each thread that prepares pages (renders PDF pages, decodes images); default 512 MB. */
  pageMemoryMb?: number;
  /** A worker or page thread unused this long is ended (default 15 s). */
  idleWorkerMs?: number;
}

/**
 * One worker per core: each recognizes one page on one thread (tesseract.js is single-threaded,
 * the native command runs with OMP_THREAD_LIMIT=1), so a document's pages, or several documents,
 * use every core instead of one. Capped so a large host does not hold eight engines' memory
 * for an occasional scan; `configureOcr({ poolSize })` sets it either way.
 */
export const defaultPoolSize = (): number => Math.max(1, Math.min(8, availableParallelism()));

/**
 * An engine with its pool, and the threads that prepare pages for it; `installed` lists the
 * native command's languages (null for tesseract.js, which ships ours).
 */
export interface RunningEngine {
  engine: OcrEngine;
  pool: WorkerPool<OcrWorker>;
  pages: PageRenderer;
  installed: Set<string> | null;
}

/**
 * OCR for the whole process: one engine and one pool of workers, started on the first document
 * and ended by close(). Reading never throws: every outcome is an OcrResult.
 */
export class OcrService {
  private starting: Promise<RunningEngine> | null = null;
  private running: RunningEngine | null = null;
  private closed = false;

  constructor(private readonly options: OcrServiceOptions = {}) {}

  async ocrDocument(bytes: Buffer, kind: 'pdf' | 'image', options: OcrOptions = {}): Promise<OcrResult> {
    try {
      return await readDocument(await this.start(), bytes, kind, options);
    } catch (err) {
      if (err instanceof OcrError) return { ok: false, reason: err.reason, message: err.message };
      return { ok: false, reason: 'malformed', message: `The document could not be read by OCR (${describe(err)}). It may be damaged; ask the sender for a new copy.` };
    }
  }

  /** The engine in use, deciding 'auto' if no document has been read yet. */
  async engine(): Promise<OcrEngineName> {
    return (await this.start()).engine.name;
  }

  /** The recognition pool's counts. */
  stats(): PoolStats | null {
    return this.running?.pool.stats() ?? null;
  }

  /** The page threads' counts. */
  pageStats(): PoolStats | null {
    return this.running?.pages.stats() ?? null;
  }

  async close(): Promise<void> {
    this.closed = true;
    const starting = this.starting;
    this.starting = null;
    this.running = null;
    const current = await starting?.catch(() => null);
    await current?.pool.close();
    await current?.pages.close();
    await current?.engine.close();
  }

  private start(): Promise<RunningEngine> {
    if (this.closed) return Promise.reject(new OcrError('engine_unavailable', 'OCR has been shut down because the service is stopping. Try again once it has restarted.'));
    if (!this.starting) {
      this.starting = startEngine(this.options).then((r) => (this.running = r));
      // a failed start (native forced but missing) is reported to every call, and retried on the next
      this.starting.catch(() => { this.starting = null; });
    }
    return this.starting;
  }
}

async function startEngine(options: OcrServiceOptions): Promise<RunningEngine> {
  const choice = options.engine ?? 'auto';
  const size = options.poolSize ?? defaultPoolSize();
  const withPool = (engine: OcrEngine, installed: Set<string> | null): RunningEngine =>
    ({
      engine, installed,
      pool: new WorkerPool(size, (key) => engine.createWorker(key.split('+') as OcrLanguage[]), options.idleWorkerMs),
      pages: new PageRenderer(size, options.pageMemoryMb, options.idleWorkerMs),
    });
  // tesseract.js first: with its best_int models it read our benchmark scans faster than the
  // Debian command (docs/ocr.md) and needs nothing installed; the command is the fallback
  if (choice === 'tesseract.js' || (choice === 'auto' && tesseractJsDataInstalled())) return withPool(tesseractJsEngine(), null);
  const installed = await nativeLanguages(options.nativeCommand);
  if (!installed) {
    ocrFail('engine_unavailable', choice === 'native'
      ? 'OCR is set to use the tesseract command, but it is not installed. Install the Debian packages tesseract-ocr, tesseract-ocr-nld, tesseract-ocr-fra and tesseract-ocr-deu, or choose the built-in engine (tesseract.js).'
      : 'No OCR engine is available: the @tesseract.js-data language packages are missing and the tesseract command is not installed. Reinstall the npm dependencies, or install the Debian package tesseract-ocr with its languages.');
  }
  return withPool(nativeEngine(options.nativeCommand), installed);
}
