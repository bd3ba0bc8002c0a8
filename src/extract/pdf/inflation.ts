import type { Budget } from '../budget.js';
import type { PdfDocument } from './document.js';
import { inflatedSize } from './filters.js';
import { PdfDict, PdfName, PdfStream, type PdfValue } from './objects.js';

/**
 * Before pdfjs reads a PDF's text, every stream it would decompress for that is unpacked once
 * here (counted, not kept), under the document's decompression limit: page contents, form
 * XObjects and fonts (with their ToUnicode maps). pdfjs keeps a decoded stream in one growing buffer outside the
 * JavaScript heap, where a thread's heap limit does not reach, so a 1 MB page whose content
 * unpacks to gigabytes would otherwise take that memory before its time runs out. zlib stops
 * at the limit, and the stream ends as too_large. Images are left out: the text layer never
 * decodes them, and OCR's renderer refuses oversized ones itself.
 */

const MAX_DEPTH = 16;

export async function checkInflatedSizes(doc: PdfDocument, budget: Budget): Promise<void> {
  const seen = new Set<PdfValue>();
  // the walk is synchronous and cheap; the unpacking, streamed by zlib, comes after it
  const streams: Array<{ stream: PdfStream; what: string }> = [];
  const measure = (value: PdfValue | undefined, what: string): void => {
    const stream = doc.resolve(value);
    if (!(stream instanceof PdfStream) || seen.has(stream)) return;
    seen.add(stream);
    streams.push({ stream, what });
  };
  const resources = (value: PdfValue | undefined, depth: number): void => {
    const dict = doc.resolve(value);
    if (!(dict instanceof PdfDict) || seen.has(dict) || depth > MAX_DEPTH) return;
    seen.add(dict);
    for (const font of entries(doc, dict.get('Font'))) fontStreams(doc, font, measure);
    for (const xobject of entries(doc, dict.get('XObject'))) {
      if (!(xobject instanceof PdfStream) || seen.has(xobject)) continue;
      const subtype = xobject.dict.get('Subtype');
      if (!(subtype instanceof PdfName) || subtype.name !== 'Form') continue;
      measure(xobject, 'A form in the PDF');
      resources(xobject.dict.get('Resources'), depth + 1);
    }
  };
  const pages = (value: PdfValue | undefined, inherited: PdfValue | undefined, depth: number): void => {
    const node = doc.resolve(value);
    if (!(node instanceof PdfDict) || seen.has(node) || depth > MAX_DEPTH) return;
    seen.add(node);
    budget.checkTime();
    const own = node.get('Resources') ?? inherited;
    const kids = doc.resolve(node.get('Kids'));
    if (Array.isArray(kids)) {
      for (const kid of kids.slice(0, budget.limits.maxPages)) pages(kid, own, depth + 1);
      return;
    }
    const contents = doc.resolve(node.get('Contents'));
    for (const part of Array.isArray(contents) ? contents : [contents]) measure(part, 'A page of the PDF');
    resources(own, 0);
  };
  pages(doc.catalog().get('Pages'), undefined, 0);
  for (const { stream, what } of streams) await inflatedSize(stream, budget, what);
}

/** The values of a resource dictionary such as /Font or /XObject, resolved. */
function entries(doc: PdfDocument, value: PdfValue | undefined): PdfValue[] {
  const dict = doc.resolve(value);
  return dict instanceof PdfDict ? [...dict.entries.values()].map((v) => doc.resolve(v) ?? null) : [];
}

function fontStreams(doc: PdfDocument, font: PdfValue, measure: (value: PdfValue | undefined, what: string) => void): void {
  if (!(font instanceof PdfDict)) return;
  measure(font.get('ToUnicode'), 'A font map in the PDF');
  const descendants = doc.resolve(font.get('DescendantFonts'));
  for (const descendant of Array.isArray(descendants) ? descendants : []) {
    const inner = doc.resolve(descendant);
    if (inner instanceof PdfDict && inner !== font) fontStreams(doc, inner, measure);
  }
  const descriptor = doc.resolve(font.get('FontDescriptor'));
  if (!(descriptor instanceof PdfDict)) return;
  for (const key of ['FontFile', 'FontFile2', 'FontFile3']) measure(descriptor.get(key), 'A font in the PDF');
}
