import type { ExtractionResult, FailureReason, Limits } from '../types.js';
import { Budget } from '../budget.js';
import { ocrDocument, type OcrFailureReason, type OcrResult } from '../ocr/index.js';
import { readFieldsFromText } from '../heuristics/read-fields.js';

/** OCR's own failures, said in the words every reader uses. */
const REASONS: Record<OcrFailureReason, FailureReason> = {
  too_large: 'too_large', unsupported: 'unsupported', malformed: 'malformed', unsafe_xml: 'unsafe_xml',
  too_many_pages: 'too_many_pages', timeout: 'timeout', busy: 'busy', cancelled: 'timeout', engine_unavailable: 'unsupported',
};

/**
 * A scan or a photo: OCR gives the text of each page, then the same field heuristics as for a
 * text layer read it, with source 'ocr' (lower confidence). OCR runs under its own limits (it
 * takes seconds a page); the heuristics afterwards get a fresh time budget of their own.
 */
export async function readScan(bytes: Buffer, kind: 'pdf' | 'image', limits: Limits): Promise<ExtractionResult> {
  const ocr = await ocrDocument(bytes, kind, { limits: { maxInputBytes: limits.maxInputBytes, maxPages: limits.maxPages } });
  return fieldsFromOcr(ocr, kind, limits);
}

/** The second half of readScan, on its own so a benchmark can replay a stored OCR result through the heuristics. */
export function fieldsFromOcr(ocr: OcrResult, kind: 'pdf' | 'image', limits: Limits): ExtractionResult {
  if (!ocr.ok) return { ok: false, reason: REASONS[ocr.reason], message: ocr.message };
  if (ocr.pages.every((p) => p.text.trim() === '')) {
    return { ok: false, reason: 'unsupported', message: `OCR found no text in the ${kind === 'pdf' ? 'scanned PDF' : 'image'}: it is blank, or too faint or blurry to read. Ask the sender for a sharper copy.` };
  }
  const extraction = readFieldsFromText(ocr.pages, 'ocr', new Budget(limits));
  extraction.pages = kind === 'pdf' ? ocr.partial?.pagesTotal ?? ocr.pages.length : null;
  if (ocr.partial) extraction.warnings.push({ code: 'partial_read', message: ocr.partial.message });
  return extraction;
}
