import type { ExtractionResult } from '../types.js';
import type { Budget } from '../budget.js';
import type { OcrNeeded } from '../read.js';
import { readPdfText } from './pdf-text.js';
import { readFieldsFromText } from '../heuristics/read-fields.js';

/**
 * An ordinary PDF (no e-invoice XML inside): its text layer read with pdfjs, then the field
 * heuristics. A PDF without text (a scan) is handed back for OCR, which runs in threads of its own.
 */

/** Fewer visible characters than this per page is a scan with, at most, a stray header. */
const MIN_CHARACTERS_PER_PAGE = 20;

export async function readTextPdf(bytes: Buffer, budget: Budget): Promise<ExtractionResult | OcrNeeded> {
  const read = await readPdfText(bytes, budget);
  const characters = read.pages.reduce((n, p) => n + p.text.replace(/\s/g, '').length, 0);
  if (characters < MIN_CHARACTERS_PER_PAGE * Math.max(1, Math.min(read.pages.length, 3))) {
    return { ocr: 'pdf' };
  }
  budget.checkTime();
  const extraction = readFieldsFromText(read.pages, 'pdf-text', budget);
  extraction.pages = read.pageCount;
  if (read.stoppedAt !== null) {
    extraction.warnings.push({
      code: 'partial_read',
      message: `Reading stopped at page ${read.stoppedAt} of ${read.pageCount} when the time ran out; fields on later pages were not read.`,
    });
  }
  return extraction;
}
