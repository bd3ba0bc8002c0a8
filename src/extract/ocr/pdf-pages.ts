import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe } from './images.js';
import { grayFromRgba, type GrayImage } from './gray.js';
import { ocrFail, OcrError, type OcrLimits } from './types.js';

/**
 * Scanned PDF pages to grayscale images with pdfjs-dist (its Node build) drawing on
 * @napi-rs/canvas. One page is rendered at a time, so memory holds one page whatever the page
 * count; a page whose size at the asked resolution would pass the pixel limit is rendered at a
 * lower resolution instead (a poster-sized page still has readable text).
 */

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
let pdfjsLoading: Promise<PdfJs> | null = null;
// imported on first use: pdfjs is large and most documents never need OCR
const loadPdfJs = (): Promise<PdfJs> => (pdfjsLoading ??= import('pdfjs-dist/legacy/build/pdf.mjs'));

const require = createRequire(import.meta.url);
const pdfjsRoot = dirname(require.resolve('pdfjs-dist/package.json'));
// fonts a PDF names without embedding them come from pdfjs's own folder, never from the network
const standardFontDataUrl = pathToFileURL(join(pdfjsRoot, 'standard_fonts') + '/').href;

export interface RenderedPdf {
  total: number;
  /** Renders 1-based page `n`; call in order and close() when done. */
  render(n: number): Promise<GrayImage>;
  close(): Promise<void>;
}

export async function openPdfForOcr(bytes: Buffer, limits: OcrLimits): Promise<RenderedPdf> {
  const pdfjs = await loadPdfJs();
  const task = pdfjs.getDocument({
    data: new Uint8Array(bytes), // pdfjs takes ownership of (detaches) the buffer it is given
    disableFontFace: true,
    useSystemFonts: false,
    standardFontDataUrl,
    // an embedded image bigger than a page may be is a decompression bomb: pdfjs skips it
    maxImageSize: limits.maxPixels,
    verbosity: 0,
  });
  let doc: Awaited<typeof task.promise>;
  try {
    doc = await task.promise;
  } catch (err) {
    await task.destroy().catch(() => {});
    if (err instanceof Error && err.name === 'PasswordException') {
      return ocrFail('unsupported', 'The PDF is password protected, so its pages cannot be read. Ask the sender for an unprotected copy.');
    }
    return ocrFail('malformed', `The PDF could not be opened (${describe(err)}). It is probably damaged; ask the sender for a new copy.`);
  }
  if (doc.numPages > limits.maxPages) {
    await task.destroy().catch(() => {});
    ocrFail('too_many_pages', `The PDF has ${doc.numPages} pages; documents of more than ${limits.maxPages} pages are not read. Split it into separate documents.`);
  }
  return {
    total: doc.numPages,
    render: (n) => renderPage(doc, n, limits),
    close: () => task.destroy(),
  };
}

type PdfDoc = Awaited<ReturnType<PdfJs['getDocument']>['promise']>;

async function renderPage(doc: PdfDoc, n: number, limits: OcrLimits): Promise<GrayImage> {
  try {
    const page = await doc.getPage(n);
    try {
      const base = page.getViewport({ scale: 1 });
      const wanted = limits.dpi / 72;
      const fit = Math.sqrt(limits.maxPixels / Math.max(1, base.width * base.height));
      const viewport = page.getViewport({ scale: Math.min(wanted, fit) });
      const width = Math.max(1, Math.floor(viewport.width)), height = Math.max(1, Math.floor(viewport.height));
      const { createCanvas } = await import('@napi-rs/canvas'); // native; loaded only when a scan comes in
      const canvas = createCanvas(width, height);
      const ctx = canvas.getContext('2d');
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, width, height);
      // pdfjs's types expect DOM canvases; @napi-rs/canvas is the implementation it uses in Node itself
      await page.render({ canvas: canvas as unknown as HTMLCanvasElement, canvasContext: ctx as unknown as CanvasRenderingContext2D, viewport }).promise;
      return grayFromRgba(ctx.getImageData(0, 0, width, height).data, width, height);
    } finally {
      page.cleanup();
    }
  } catch (err) {
    if (err instanceof OcrError) throw err;
    return ocrFail('malformed', `Page ${n} of the PDF could not be rendered (${describe(err)}). The file may be damaged; ask the sender for a new copy.`);
  }
}
