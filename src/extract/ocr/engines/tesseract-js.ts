import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Block, Worker } from 'tesseract.js';
import type { Worker as ThreadWorker } from 'node:worker_threads';
import { OCR_LANGUAGES, type OcrLanguage } from '../types.js';
import { languageKey, tidyText, type OcrEngine, type OcrWorker, type Recognized } from './engine.js';
import { wordsToText, type OcrWord } from './words.js';

/**
 * Tesseract compiled to WebAssembly, one worker thread per pool slot. Language data comes from
 * the @tesseract.js-data npm packages ("best_int": the accurate LSTM models, integer-quantised)
 * and nothing is fetched or cached: cacheMethod 'none'.
 *
 * tesseract.js reads every language from one folder (langPath) while each npm package holds
 * one language, so the engine links the files it needs into one temporary folder, removed on
 * close. (Passing the data in memory instead hits a bug in tesseract.js 7's initialise step.)
 */

const require = createRequire(import.meta.url);
const dataFile = (lang: OcrLanguage): string =>
  require.resolve(`@tesseract.js-data/${lang}/4.0.0_best_int/${lang}.traineddata.gz`);

/** Whether every language package resolves (they are ordinary dependencies, but an install may have left them out). */
export function tesseractJsDataInstalled(): boolean {
  try {
    OCR_LANGUAGES.forEach(dataFile);
    return true;
  } catch {
    return false;
  }
}

export function tesseractJsEngine(): OcrEngine {
  let langDir: Promise<string> | null = null;
  const languageFolder = (): Promise<string> => (langDir ??= linkLanguageData());
  return {
    name: 'tesseract.js',
    async createWorker(languages) {
      return startWorker(languages, await languageFolder());
    },
    async close() {
      const dir = langDir;
      langDir = null;
      if (dir) await rm(await dir, { recursive: true, force: true });
    },
  };
}

async function linkLanguageData(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dossier-ocr-lang-'));
  for (const lang of OCR_LANGUAGES) await symlink(dataFile(lang), join(dir, `${lang}.traineddata.gz`));
  return dir;
}

async function startWorker(languages: readonly OcrLanguage[], langPath: string): Promise<OcrWorker> {
  let lastError: unknown = null;
  // Loaded on the first OCR job, not at import: most processes never run one.
  const { createWorker, OEM } = await import('tesseract.js');
  const worker: Worker = await createWorker([...languages], OEM.LSTM_ONLY, {
    langPath,
    gzip: true,
    cacheMethod: 'none',
    logger: () => {},
    // without a handler tesseract.js throws engine errors from its message listener, which would crash the process
    errorHandler: (err: unknown) => { lastError = err; },
  });
  // the thread itself: when it dies (out of memory, an abort inside the WebAssembly) the job fails now, not at its timeout
  const thread = (worker as unknown as { worker: ThreadWorker | null }).worker;
  let died: ((err: Error) => void) | null = null;
  const death = new Promise<never>((_, reject) => { died = reject; });
  death.catch(() => {});
  thread?.once('exit', (code) => died?.(new Error(`the OCR worker thread stopped (exit code ${code})`)));
  thread?.once('error', (err) => died?.(err));

  return {
    key: languageKey(languages),
    async recognize(image: Buffer): Promise<Recognized> {
      lastError = null;
      // rotateAuto measures the text lines' skew and straightens the page before recognising it
      const result = await Promise.race([worker.recognize(image, { rotateAuto: true }, { text: true, blocks: true }), death]);
      if (lastError) throw lastError instanceof Error ? lastError : new Error(String(lastError));
      const words = wordsOf(result.data.blocks ?? []);
      const text = tidyText(wordsToText(words));
      return { text, confidence: text ? result.data.confidence / 100 : 0, words: words.length };
    },
    async terminate() {
      died = null;
      await worker.terminate();
    },
  };
}

/** Every word with its box, and its line's baseline and height; the baseline may slope a little. */
function wordsOf(blocks: Block[]): OcrWord[] {
  return blocks.flatMap((b) => b.paragraphs.flatMap((p) => p.lines.flatMap((line) => {
    const { x0, y0, x1, y1 } = line.baseline;
    const slope = x1 > x0 ? (y1 - y0) / (x1 - x0) : 0;
    const lineHeight = line.rowAttributes?.rowHeight || line.bbox.y1 - line.bbox.y0;
    return line.words.filter((w) => w.text.trim() !== '').map((w) => ({
      text: w.text.trim(), x0: w.bbox.x0, x1: w.bbox.x1, y0: w.bbox.y0, y1: w.bbox.y1,
      baseline: y0 + slope * ((w.bbox.x0 + w.bbox.x1) / 2 - x0), lineHeight,
    }));
  })));
}
