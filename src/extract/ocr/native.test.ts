import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { parseTsv, nativeLanguages } from './engines/native.js';
import { OcrService } from './index.js';
import { DUTCH_INVOICE, FRENCH_INVOICE, invoicePageImage, scannedPdf } from './testing/invoices.js';

/** The native engine: Debian's tesseract command, one process per page. */

describe('tesseract TSV output', () => {
  it('joins words into lines and leaves an empty line between paragraphs', () => {
    const header = 'level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext';
    const word = (block: number, par: number, line: number, n: number, conf: number, text: string): string =>
      `5\t1\t${block}\t${par}\t${line}\t${n}\t0\t0\t1\t1\t${conf}\t${text}`;
    const tsv = [header, '4\t1\t1\t1\t1\t0\t0\t0\t1\t1\t-1\t',
      word(1, 1, 1, 1, 90, 'Factuur'), word(1, 1, 1, 2, 80, 'INV-1'), word(1, 1, 2, 1, 70, 'Datum'),
      word(1, 2, 1, 1, 60, 'Totaal'), word(2, 1, 1, 1, -1, ' '), word(2, 1, 1, 2, 100, 'EUR')].join('\n');
    const result = parseTsv(tsv);
    assert.equal(result.text, 'Factuur INV-1\nDatum\n\nTotaal\n\nEUR');
    assert.equal(result.words, 5);
    assert.equal(result.confidence, 0.8);
  });
});

const installed = await nativeLanguages();
const missing = installed ? ['nld', 'fra', 'deu', 'eng'].filter((l) => !installed.has(l)) : null;
const skip = missing === null ? 'the tesseract command is not installed (Debian package tesseract-ocr)'
  : missing.length > 0 ? `tesseract has no data for ${missing.join(', ')} (Debian packages ${missing.map((l) => `tesseract-ocr-${l}`).join(', ')})` : false;

describe('OCR with the native tesseract command', { skip }, () => {
  const ocr = new OcrService({ engine: 'native', poolSize: 1 });
  after(() => ocr.close());

  it('reads a scanned PDF in Dutch and French, one page of it sideways', async () => {
    const pdf = await scannedPdf([invoicePageImage(DUTCH_INVOICE, { turn: 270 }), invoicePageImage(FRENCH_INVOICE)]);
    const result = await ocr.ocrDocument(pdf, 'pdf');
    assert.ok(result.ok, result.ok ? '' : result.message);
    assert.equal(result.engine, 'native');
    const [dutch, french] = result.pages.map((p) => p.text);
    assert.match(dutch!, /^Factuurnummer: INV-2026-00417$/m);
    assert.match(dutch!, /^Totaal te betalen: EUR 1\.234,56$/m);
    assert.match(french!, /^TVA intracommunautaire : FR40303265045$/m);
    assert.match(french!, /^Date de facture : 02\/05\/2026$/m);
  });

  it('kills a process that runs past its time and reads the next document with a new one', async () => {
    const stopped = await ocr.ocrDocument(invoicePageImage(DUTCH_INVOICE), 'image', { limits: { pageTimeoutMs: 1 } });
    assert.equal(stopped.ok ? 'read' : stopped.reason, 'timeout');
    const next = await ocr.ocrDocument(invoicePageImage(DUTCH_INVOICE), 'image');
    assert.ok(next.ok && /INV-2026-00417/.test(next.pages[0]!.text));
    assert.equal(ocr.stats()!.replaced, 1);
  });
});

describe('a forced native engine that is not installed', () => {
  it('fails with a message naming the Debian packages', async () => {
    const ocr = new OcrService({ engine: 'native', nativeCommand: 'tesseract-not-installed-here' });
    const result = await ocr.ocrDocument(invoicePageImage(DUTCH_INVOICE, { dpi: 50 }), 'image');
    assert.equal(result.ok ? 'read' : result.reason, 'engine_unavailable');
    assert.match(result.ok ? '' : result.message, /tesseract-ocr-nld/);
    await ocr.close();
  });
});
