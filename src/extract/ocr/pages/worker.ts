import { parentPort } from 'node:worker_threads';
import { deskew } from '../deskew.js';
import type { GrayImage } from '../gray.js';
import { describe, imagePages } from '../images.js';
import { openPdfForOcr } from '../pdf-pages.js';
import { OcrError, type OcrLimits } from '../types.js';
import type { DocumentRef, PageReply, PageRequest } from './protocol.js';

/**
 * A page thread: turns scanned PDFs and images into straightened grayscale pages, away from
 * the thread that serves requests. Drawing a PDF page (pdfjs on @napi-rs/canvas), decoding a
 * 40-megapixel photo and measuring a page's skew each take long enough to stall every other
 * request if they ran there. Jobs come one at a time (the pool sees to that).
 */

interface OpenDocument {
  total: number;
  render(n: number): Promise<GrayImage>;
  close(): Promise<void>;
}

/** Documents kept open, most recent last: the one being read and perhaps the one before it. */
const KEEP_OPEN = 2;
const open = new Map<number, Promise<OpenDocument>>();

async function documentOf(doc: DocumentRef, limits: OcrLimits): Promise<OpenDocument> {
  let opening = open.get(doc.id);
  if (!opening) {
    opening = openDocument(doc, limits);
    open.set(doc.id, opening);
    opening.catch(() => open.delete(doc.id));
    while (open.size > KEEP_OPEN) forget(open.keys().next().value!);
  }
  return opening;
}

async function openDocument(doc: DocumentRef, limits: OcrLimits): Promise<OpenDocument> {
  // the shared bytes are only read: decoders get a view, pdfjs (which takes ownership) a copy
  const bytes = Buffer.from(doc.bytes);
  if (doc.kind === 'pdf') return openPdfForOcr(Buffer.from(bytes), limits);
  const { pages, total } = await imagePages(bytes, limits);
  return { total, render: async (n) => pages[n - 1]!, close: async () => { pages.length = 0; } };
}

function forget(id: number): void {
  const doc = open.get(id);
  open.delete(id);
  void doc?.then((d) => d.close()).catch(() => {});
}

async function answer(request: Exclude<PageRequest, { op: 'forget' }>): Promise<{ reply: PageReply; transfer: ArrayBuffer[] }> {
  try {
    const doc = await documentOf(request.doc, request.limits);
    if (request.op === 'open') return { reply: { job: request.job, ok: true, total: doc.total }, transfer: [] };
    const page = deskew(await doc.render(request.page));
    // the page's own copy of its pixels, so handing them over leaves nothing shared behind
    const data = page.data.byteOffset === 0 && page.data.byteLength === page.data.buffer.byteLength ? page.data : page.data.slice();
    return { reply: { job: request.job, ok: true, width: page.width, height: page.height, data }, transfer: [data.buffer as ArrayBuffer] };
  } catch (err) {
    const failure = err instanceof OcrError ? { reason: err.reason, message: err.message }
      : { reason: 'malformed' as const, message: `The document could not be prepared for OCR (${describe(err)}). It may be damaged; ask the sender for a new copy.` };
    return { reply: { job: request.job, ok: false, ...failure }, transfer: [] };
  }
}

parentPort?.on('message', (request: PageRequest) => {
  if (request.op === 'forget') { forget(request.doc); return; }
  void answer(request).then(({ reply, transfer }) => parentPort!.postMessage(reply, transfer));
});
