import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { parseTsv, nativeLanguages } from './engines/native.js';
import { OcrService } from './index.js';
import { DUTCH_INVOICE, FRENCH_INVOICE, invoicePageImage, scannedPdf } from './testing/invoices.js';

/** The native engine: Debian's tesseract command, one process per page. */

describe('tesseract TSV output', () => {
  const header = 'level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext';
  const line = (block: number, n: number, left: number, top: number, width: number): string => `4\t1\t${block}\t1\t${n}\t0\t${left}\t${top}\t${width}\t25\t-1\t`;
  const word = (block: number, n: number, left: number, top: number, width: number, conf: number, text: string, height = 20): string =>
    `5\t1\t${block}\t1\t${n}\t1\t${left}\t${top}\t${width}\t${height}\t${conf}\t${text}`;

  it('puts columns that tesseract read as separate blocks back side by side, a wide gap between them', () => {
    const tsv = [header,
      line(1, 1, 100, 100, 200), word(1, 1, 100, 102, 90, 90, 'Invoice'), word(1, 1, 198, 102, 102, 80, 'number'),
      line(1, 2, 100, 140, 60), word(1, 2, 100, 142, 60, 50, 'F-7'),
      line(2, 1, 700, 101, 150), word(2, 1, 700, 103, 80, 60, 'Invoice'), word(2, 1, 788, 103, 62, 100, 'date'),
      line(2, 2, 700, 141, 130), word(2, 2, 700, 143, 130, 100, '14/03/2024'), word(2, 2, 860, 150, 3, -1, ' ')].join('\n');
    const result = parseTsv(tsv);
    assert.equal(result.text, 'Invoice number   Invoice date\nF-7   14/03/2024');
    assert.equal(result.words, 6);
    assert.equal(result.confidence, 0.8);
  });

  it('drops dust in a column gap, and keeps a dot between two words as a separator', () => {
    const tsv = [header,
      line(1, 1, 100, 100, 700), word(1, 1, 100, 102, 80, 90, 'Acme'), word(1, 1, 190, 110, 3, 40, '-', 3), word(1, 1, 203, 102, 60, 90, 'BV'),
      word(1, 1, 450, 108, 3, 30, '=', 3), word(1, 1, 700, 102, 100, 90, '12,50')].join('\n');
    assert.equal(parseTsv(tsv).text, 'Acme · BV   12,50');
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
