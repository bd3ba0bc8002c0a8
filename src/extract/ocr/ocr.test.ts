import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { OcrService, type OcrResult, type OcrSuccess } from './index.js';
import { DUTCH_INVOICE, FRENCH_INVOICE, invoicePageImage, scannedPdf } from './testing/invoices.js';

/**
 * OCR with tesseract.js, end to end: generated invoice scans in Dutch and French, a page fed
 * sideways, a scanned PDF. One service with one worker serves the whole file, as in the
 * running service; starting a worker is the slow part. Its idle workers are kept for the whole
 * file, so a slow machine cannot make the count of workers differ.
 */
const ocr = new OcrService({ engine: 'tesseract.js', poolSize: 1, idleWorkerMs: 600_000 });
after(() => ocr.close());

function success(result: OcrResult): OcrSuccess {
  assert.ok(result.ok, result.ok ? '' : `OCR failed: ${result.reason}: ${result.message}`);
  return result;
}

/** The line holding `label`, so a value must be read exactly and in its place. */
const lineWith = (text: string, label: RegExp): string => text.split('\n').find((l) => label.test(l)) ?? `(no line matches ${label})`;

function assertDutchFields(text: string): void {
  assert.match(lineWith(text, /Factuurnummer/), /Factuurnummer: INV-2026-00417$/);
  assert.match(lineWith(text, /Factuurdatum/), /Factuurdatum: 14\/03\/2026$/);
  assert.match(lineWith(text, /Totaal/), /Totaal te betalen: EUR 1\.234,56$/);
  assert.match(lineWith(text, /^BTW:/), /^BTW: BE0123456749$/);
}

function assertFrenchFields(text: string): void {
  assert.match(lineWith(text, /facture :/), /Numéro de facture : FA-2026-0932$/);
  assert.match(lineWith(text, /Date de facture/), /Date de facture : 02\/05\/2026$/);
  assert.match(lineWith(text, /Total TTC/), /Total TTC : 966,00 EUR$/);
  assert.match(lineWith(text, /intracommunautaire/), /TVA intracommunautaire : FR40303265045$/);
}

describe('OCR with tesseract.js', () => {
  it('is the engine chosen automatically, its language data being installed', async () => {
    const auto = new OcrService();
    assert.equal(await auto.engine(), 'tesseract.js');
    await auto.close();
  });

  it('reads the number, date, amount and VAT id of a Dutch invoice scanned as PNG', async () => {
    const result = success(await ocr.ocrDocument(invoicePageImage(DUTCH_INVOICE), 'image'));
    assert.equal(result.engine, 'tesseract.js');
    assert.equal(result.partial, null);
    assert.equal(result.pages.length, 1);
    assert.equal(result.pages[0]!.page, 1);
    assertDutchFields(result.pages[0]!.text);
    assert.ok(result.pages[0]!.confidence! > 0.8, `confidence ${result.pages[0]!.confidence}`);
  });

  it('reads a French invoice photographed as JPEG and fed sideways', async () => {
    const result = success(await ocr.ocrDocument(invoicePageImage(FRENCH_INVOICE, { turn: 90, format: 'jpeg' }), 'image', { languages: ['fra', 'nld'] }));
    assertFrenchFields(result.pages[0]!.text);
  });

  it('reads both pages of a scanned PDF, the first one upside down, in page order', async () => {
    const pdf = await scannedPdf([invoicePageImage(DUTCH_INVOICE, { turn: 180 }), invoicePageImage(FRENCH_INVOICE)]);
    const result = success(await ocr.ocrDocument(pdf, 'pdf', { languages: ['fra', 'nld'] }));
    assert.deepEqual(result.pages.map((p) => p.page), [1, 2]);
    assertDutchFields(result.pages[0]!.text);
    assertFrenchFields(result.pages[1]!.text);
  });

  it('reuses its worker from one document to the next', () => {
    // three documents, two language sets: one worker for all four languages, one for fra+nld
    assert.deepEqual({ ...ocr.stats(), busy: 0, queued: 0 }, { created: 2, replaced: 0, alive: 1, busy: 0, queued: 0 });
  });

  it('stops a page that runs past its time, replaces the worker, and reads the next document', async () => {
    const stopped = await ocr.ocrDocument(invoicePageImage(DUTCH_INVOICE), 'image', { languages: ['fra', 'nld'], limits: { pageTimeoutMs: 1 } });
    assert.deepEqual(stopped.ok ? 'read' : stopped.reason, 'timeout');
    assert.match(stopped.ok ? '' : stopped.message, /took longer than/);
    assert.equal(ocr.stats()!.replaced, 1);
    const next = success(await ocr.ocrDocument(invoicePageImage(FRENCH_INVOICE), 'image', { languages: ['fra', 'nld'] }));
    assertFrenchFields(next.pages[0]!.text);
  });

  it('stops when the caller cancels', async () => {
    const controller = new AbortController();
    const reading = ocr.ocrDocument(invoicePageImage(DUTCH_INVOICE), 'image', { languages: ['fra', 'nld'], signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const result = await reading;
    assert.equal(result.ok ? 'read' : result.reason, 'cancelled');
  });
});
