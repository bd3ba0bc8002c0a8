import type { ExtractionFailure, ExtractionResult, Limits } from './types.js';
import { Budget } from './budget.js';
import { sniff } from './sniff.js';
import { readStructuredXml } from './structured.js';
import { checkPageLimit, readPdf } from './facturx.js';
import { checkInflatedSizes } from './pdf/inflation.js';
import { readTextPdf } from './text/read-text-pdf.js';

/**
 * Everything that parses the untrusted bytes themselves: sniffing, XML, the PDF's objects and
 * embedded files, the text layer through pdfjs, the field heuristics. It runs in an extraction
 * thread (isolated/worker.ts), which can be stopped at any moment. A scan or a photo is handed
 * back as OcrNeeded: OCR has its own threads and limits (ocr/), driven from the serving thread.
 *
 * The readers are synchronous and check the time budget between steps and inside every loop
 * that grows with the input; the size limits bound the work between two checks.
 */

/** The document is a scan (a PDF without text) or a photo: its text must come from OCR. */
export interface OcrNeeded { ocr: 'pdf' | 'image' }

export type Reading = ExtractionResult | OcrNeeded;

/** Throws ExtractionError for the failures found deep inside a reader. */
export async function readUntrusted(bytes: Buffer, filename: string | undefined, mime: string | undefined, limits: Limits): Promise<Reading> {
  const budget = new Budget(limits);
  budget.checkTime();

  const sniffed = sniff(bytes);
  switch (sniffed.kind) {
    case 'xml':
      return readStructuredXml(bytes, budget);
    case 'pdf': {
      const reading = readPdf(bytes, budget);
      if (reading.found === 'xml') return reading.extraction;
      if (reading.truncated) {
        return failure('malformed', 'The PDF is incomplete (it ends before its last part, as after an interrupted download) ' +
          'and no e-invoice XML was found in what is there. Ask the sender for a new copy.');
      }
      checkPageLimit(reading.pages, budget);
      await checkInflatedSizes(reading.doc, budget);
      return readTextPdf(bytes, budget);
    }
    case 'image':
      return { ocr: 'image' };
    case 'html':
      return failure('unsupported', 'The file is an HTML page, not an invoice. If it came from a download link, the link may have expired or need a login.');
    case 'archive':
      return failure('unsupported', `The file is a ${sniffed.format} archive. Unpack it and add the documents inside one by one.`);
    case 'unknown': {
      const claimsPdf = /\.pdf$/i.test(filename ?? '') || /pdf/i.test(mime ?? '');
      const claimsXml = /\.xml$/i.test(filename ?? '') || /xml/i.test(mime ?? '');
      if (claimsPdf || claimsXml) {
        return failure('malformed', `The file is ${filename ? `named ${filename}` : `sent as ${mime}`} but does not start like a ${claimsPdf ? 'PDF' : 'XML file'}: it is damaged or something else. Ask the sender for a new copy.`);
      }
      return failure('unsupported', 'The file is not a PDF, an e-invoice XML or an image, so it cannot be read.');
    }
  }
}

export const failure = (reason: ExtractionFailure['reason'], message: string): ExtractionFailure => ({ ok: false, reason, message });
