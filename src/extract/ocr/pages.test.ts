import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OcrService, type OcrResult } from './index.js';
import { PageRenderer } from './pages/renderer.js';
import { OcrError, resolveOcrLimits } from './types.js';
import { LoopWatch } from './testing/event-loop.js';
import { DUTCH_INVOICE, FRENCH_INVOICE, invoicePageImage, scannedPdf } from './testing/invoices.js';

/**
 * Pages of scans are prepared (drawn, decoded, straightened) in worker threads, so the thread
 * that serves requests keeps answering while a long scan is read, and the limits still end
 * in typed failures. Responsiveness is counted in timer ticks against a metronome thread
 * (testing/event-loop.ts), never in milliseconds.
 */

const reasonOf = (r: OcrResult): string => (r.ok ? 'ok' : r.reason);
const messageOf = (r: OcrResult): string => (r.ok ? '' : r.message);
/** This thread must get at least this share of the metronome's beats: drawing a page here gave 0.1 to 0.3. */
const RESPONSIVE = 0.5;

let threePages: Buffer;
const watch = new LoopWatch();
before(async () => {
  threePages = await scannedPdf([invoicePageImage(DUTCH_INVOICE), invoicePageImage(FRENCH_INVOICE), invoicePageImage(DUTCH_INVOICE, { turn: 180 })]);
});
after(() => watch.stop());

describe('page threads', () => {
  const renderer = new PageRenderer(1);
  after(() => renderer.close());
  const job = () => ({ timeoutMs: 600_000, onTimeout: () => new OcrError('timeout', 'timed out'), onAbort: () => new OcrError('cancelled', 'cancelled') });

  it('draw each page of a scanned PDF while this thread keeps turning', async () => {
    const source = await renderer.open(threePages, 'pdf', resolveOcrLimits(), job);
    try {
      assert.equal(source.total, 3);
      for (let n = 1; n <= 3; n++) {
        const { result: page, share, loopTicks, beats } = await watch.measure(() => source.render(n));
        // A4 at the default 250 dpi
        assert.deepEqual([page.width, page.height], [2066, 2923]);
        assert.ok(share >= RESPONSIVE, `page ${n}: the timer here fired ${loopTicks} times in ${beats} metronome beats`);
      }
    } finally {
      await source.close();
    }
  });

  it('decode an image there too', async () => {
    const source = await renderer.open(invoicePageImage(FRENCH_INVOICE, { format: 'jpeg' }), 'image', resolveOcrLimits(), job);
    const page = await source.render(1);
    await source.close();
    assert.deepEqual([page.width, page.height], [1654, 2338]);
    assert.equal(renderer.stats().created, 1);
  });
});

describe('reading a scanned PDF with page threads', () => {
  const ocr = new OcrService({ engine: 'tesseract.js', poolSize: 1, idleWorkerMs: 600_000 });
  after(() => ocr.close());

  it('reads all pages while this thread keeps turning', async () => {
    const { result, share, loopTicks, beats } = await watch.measure(() => ocr.ocrDocument(threePages, 'pdf', { languages: ['nld', 'fra'] }));
    assert.ok(result.ok, messageOf(result));
    assert.deepEqual(result.pages.map((p) => p.page), [1, 2, 3]);
    assert.match(result.pages[0]!.text, /^Factuurnummer: INV-2026-00417$/m);
    assert.match(result.pages[1]!.text, /^Numéro de facture : FA-2026-0932$/m);
    assert.match(result.pages[2]!.text, /^Factuurnummer: INV-2026-00417$/m);
    assert.ok(share >= RESPONSIVE, `the timer here fired ${loopTicks} times in ${beats} metronome beats`);
  });

  it('reports a damaged PDF as malformed and keeps its page thread', async () => {
    const before = ocr.pageStats()!;
    const damaged = Buffer.from(threePages.subarray(0, 2000));
    const result = await ocr.ocrDocument(damaged, 'pdf');
    assert.equal(reasonOf(result), 'malformed', messageOf(result));
    assert.deepEqual([ocr.pageStats()!.created, ocr.pageStats()!.replaced], [before.created, before.replaced]);
  });

  it('stops a page that takes longer to prepare than allowed, replaces the thread and reads the next document', async () => {
    const stopped = await ocr.ocrDocument(threePages, 'pdf', { limits: { prepareTimeoutMs: 1 } });
    assert.equal(reasonOf(stopped), 'timeout');
    assert.match(messageOf(stopped), /Preparing one page took longer than/);
    assert.equal(ocr.pageStats()!.replaced, 1);
    const next = await ocr.ocrDocument(invoicePageImage(DUTCH_INVOICE), 'image', { languages: ['nld', 'fra'] });
    assert.ok(next.ok, messageOf(next));
    assert.match(next.pages[0]!.text, /INV-2026-00417/);
  });

  it('stops preparing when the caller cancels', async () => {
    const controller = new AbortController();
    const reading = ocr.ocrDocument(threePages, 'pdf', { signal: controller.signal });
    setImmediate(() => controller.abort());
    assert.equal(reasonOf(await reading), 'cancelled');
  });
});

describe('a page thread that runs out of memory', () => {
  it('ends the document as too large, saying so', async () => {
    const ocr = new OcrService({ engine: 'tesseract.js', poolSize: 1, pageMemoryMb: 16 });
    try {
      const result = await ocr.ocrDocument(threePages, 'pdf');
      assert.equal(reasonOf(result), 'too_large');
      assert.match(messageOf(result), /more than the 16 MB of memory allowed/);
      assert.equal(ocr.pageStats()!.replaced, 1);
    } finally {
      await ocr.close();
    }
  });
});
