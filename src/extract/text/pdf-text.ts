import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Budget } from '../budget.js';
import { ExtractionError, fail } from '../budget.js';
import type { PageText } from './page-text.js';
import { piecesToText, type TextPiece } from './lines.js';

/**
 * The text layer of a PDF, page by page, through pdfjs-dist (the legacy build, which runs on
 * Node). pdfjs runs in this thread (no worker is fetched), never evaluates code from the
 * file, and takes its standard fonts and character maps from the installed package, so
 * reading a PDF needs no network and no system fonts.
 *
 * The budget is checked between pages, and each page races the time left: a PDF that stalls
 * pdfjs ends as a timeout, or as the pages read so far when there are some.
 */

export interface PdfText {
  pages: PageText[];
  /** Pages in the document, whether or not all were read. */
  pageCount: number;
  /** Set when the time ran out after some pages: `pages` covers only the beginning. */
  stoppedAt: number | null;
}

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
let loading: Promise<PdfJs> | undefined;
/**
 * pdfjs and its worker module are loaded on the first PDF, not at import: a process that never
 * reads a PDF (a backup worker, most CLI commands) does not carry them. The caller excludes
 * the load from the document's time budget. pdfjs looks for the worker on globalThis.
 */
const loadPdfJs = (): Promise<PdfJs> => (loading ??= (async () => {
  // @ts-expect-error the worker module ships without type declarations
  (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = await import('pdfjs-dist/legacy/build/pdf.worker.mjs');
  return import('pdfjs-dist/legacy/build/pdf.mjs');
})());

/** Loads pdfjs ahead of the first PDF (a new extraction thread does, before it takes documents). */
export const preloadPdfJs = async (): Promise<void> => { await loadPdfJs(); };

const packageDir = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
// pdfjs on Node reads these with fs; a trailing separator is required
const STANDARD_FONTS = `${path.join(packageDir, 'standard_fonts')}${path.sep}`;
const CMAPS = `${path.join(packageDir, 'cmaps')}${path.sep}`;
const WASM = `${path.join(packageDir, 'wasm')}${path.sep}`;

export async function readPdfText(bytes: Buffer, budget: Budget): Promise<PdfText> {
  const { getDocument } = await budget.excluding(loadPdfJs());
  const task = getDocument({
    // pdfjs takes ownership of (and may detach) the buffer it is given, so it gets a copy
    data: new Uint8Array(bytes),
    disableFontFace: true,
    useSystemFonts: false,
    standardFontDataUrl: STANDARD_FONTS,
    cMapUrl: CMAPS,
    cMapPacked: true,
    wasmUrl: WASM,
    verbosity: 0,
    stopAtErrors: false,
  });
  try {
    const doc = await withinBudget(task.promise, budget);
    const pageCount = doc.numPages;
    if (pageCount > budget.limits.maxPages) {
      fail('too_many_pages', `The PDF has ${pageCount} pages; documents of more than ${budget.limits.maxPages} pages are not read. Split it into separate documents.`);
    }
    const pages: PageText[] = [];
    for (let n = 1; n <= pageCount; n++) {
      try {
        budget.checkTime();
        pages.push({ page: n, text: await withinBudget(pageText(doc, n), budget) });
      } catch (err) {
        // the time is up: what was read is still worth returning, flagged as partial
        if (err instanceof ExtractionError && err.reason === 'timeout' && pages.length > 0) return { pages, pageCount, stoppedAt: n };
        throw err;
      }
    }
    return { pages, pageCount, stoppedAt: null };
  } catch (err) {
    if (err instanceof ExtractionError) throw err;
    const detail = err instanceof Error ? err.message : String(err);
    return fail('malformed', `The PDF's text could not be read (${detail}). It may be damaged; ask the sender for a new copy.`);
  } finally {
    void task.destroy().catch(() => undefined);
  }
}

type PdfDoc = Awaited<ReturnType<PdfJs['getDocument']>['promise']>;

async function pageText(doc: PdfDoc, n: number): Promise<string> {
  const page = await doc.getPage(n);
  try {
    const content = await page.getTextContent();
    const pieces: TextPiece[] = [];
    for (const item of content.items) {
      if (!('str' in item)) continue; // marked-content markers carry no text
      const [a = 0, b = 0, , , x = 0, y = 0] = item.transform as number[];
      pieces.push({ text: item.str, x, y, width: item.width, size: Math.hypot(a, b) || item.height });
    }
    return piecesToText(pieces);
  } finally {
    page.cleanup();
  }
}

/** Rejects with the budget's timeout failure when `work` outlasts the time left. */
async function withinBudget<T>(work: Promise<T>, budget: Budget): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    // the budget keeps its start time to itself, so ask it regularly rather than compute a deadline
    timer = setInterval(() => {
      try { budget.checkTime(); } catch (err) { reject(err); }
    }, 50);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearInterval(timer);
  }
}
