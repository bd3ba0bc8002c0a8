import type { Extraction } from './types.js';
import { ExtractionError, fail, type Budget } from './budget.js';
import { PdfDocument } from './pdf/document.js';
import { listEmbeddedFiles, type EmbeddedFile } from './pdf/embedded.js';
import { readStructuredXml } from './structured.js';

/**
 * Hybrid invoices: a PDF/A-3 that carries its own e-invoice XML as an embedded file.
 * Factur-X names it factur-x.xml, ZUGFeRD 2 zugferd-invoice.xml (ZUGFeRD 1 ZUGFeRD-invoice.xml),
 * XRechnung hybrids xrechnung.xml; other producers attach a UBL or CII file under a name of
 * their own. The XML is the legal invoice, so when it is there the PDF's text is not needed.
 */

const KNOWN_NAMES = ['factur-x.xml', 'zugferd-invoice.xml', 'xrechnung.xml'];

/** What reading a PDF found, before a text reader takes over for PDFs without XML. */
export type PdfReading =
  | { found: 'xml'; extraction: Extraction }
  | { found: 'none'; pages: number | null; truncated: boolean; doc: PdfDocument };

export function readPdf(bytes: Buffer, budget: Budget): PdfReading {
  const doc = PdfDocument.open(bytes, budget);
  budget.checkTime();
  const pages = doc.pageCount();
  const candidates = invoiceCandidates(listEmbeddedFiles(doc));
  for (const file of candidates) {
    budget.checkTime();
    try {
      const xml = doc.decode(file.stream!, budget.limits.maxXmlBytes, `The embedded file ${file.name}`);
      const extraction = readStructuredXml(xml, budget, { embeddedFile: file.name });
      extraction.pages = pages;
      const unread = candidates.filter((f) => f !== file && isKnown(f)).map((f) => f.name);
      if (unread.length > 0) {
        extraction.warnings.push({
          code: 'several_embedded_invoices',
          message: `The PDF carries more than one e-invoice file; ${file.name} was read, ${unread.join(', ')} not. Check that they agree.`,
        });
      }
      return { found: 'xml', extraction };
    } catch (err) {
      if (!(err instanceof ExtractionError)) throw err;
      // A file under a standard name must be the invoice, so its failure is the answer.
      // Another XML may be anything (a delivery note, a broken export) and is passed over,
      // unless it was hostile or used up the time.
      if (isKnown(file) || err.reason === 'unsafe_xml' || err.reason === 'timeout') throw withFileName(err, file);
    }
  }
  return { found: 'none', pages, truncated: doc.truncated, doc };
}

/** Embedded files that may hold the invoice: standard names first, then any other XML. */
function invoiceCandidates(files: EmbeddedFile[]): EmbeddedFile[] {
  const withData = files.filter((f) => f.stream !== null);
  const known = KNOWN_NAMES.flatMap((name) => withData.filter((f) => f.name.toLowerCase() === name));
  const otherXml = withData.filter((f) => !known.includes(f) && (/\.xml$/i.test(f.name) || /xml/i.test(f.mime ?? '')));
  return [...known, ...otherXml];
}

const isKnown = (file: EmbeddedFile): boolean => KNOWN_NAMES.includes(file.name.toLowerCase());

function withFileName(err: ExtractionError, file: EmbeddedFile): ExtractionError {
  if (err.message.includes(file.name)) return err;
  return new ExtractionError(err.reason, `The invoice XML inside the PDF (${file.name}): ${err.message}`);
}

/** For PDFs without XML: refuse oversized ones now, so the text reader never has to. */
export function checkPageLimit(pages: number | null, budget: Budget): void {
  if (pages !== null && pages > budget.limits.maxPages) {
    fail('too_many_pages', `The PDF has ${pages} pages; documents of more than ${budget.limits.maxPages} pages are not read. ` +
      'Split it into separate documents.');
  }
}
