import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { closeOcr, extractDocument, type Extraction } from '../index.js';
import { DUTCH_INVOICE, invoicePageImage, scannedPdf } from '../ocr/testing/invoices.js';

/** The whole path a scan takes: OCR, then the same field heuristics as a text layer. */
describe('reading scans end to end', () => {
  after(() => closeOcr());

  it('reads a photographed Dutch invoice into fields, as OCR with lower confidence', async () => {
    const x = await extractDocument({ bytes: invoicePageImage(DUTCH_INVOICE), filename: 'factuur.png' });
    assert.ok(x.ok, x.ok ? '' : x.message);
    const e = x as Extraction;
    assert.equal(e.source, 'ocr');
    assert.equal(e.fields.number?.value, 'INV-2026-00417');
    assert.equal(e.fields.issueDate?.value, '2026-03-14');
    assert.equal(e.fields.sellerVatId?.value, 'BE0123456749');
    assert.equal(e.fields.totalWithVat?.value ?? e.fields.amountDue?.value, '1234.56');
    assert.ok(e.fields.number!.confidence < 1);
    assert.equal(e.fields.number!.provenance.kind, 'text');
  });

  it('reads a scanned PDF (no text layer) the same way', async () => {
    const x = await extractDocument({ bytes: await scannedPdf([invoicePageImage(DUTCH_INVOICE)]), filename: 'scan.pdf' });
    assert.ok(x.ok, x.ok ? '' : x.message);
    assert.equal((x as Extraction).source, 'ocr');
    assert.equal((x as Extraction).pages, 1);
    assert.equal((x as Extraction).fields.number?.value, 'INV-2026-00417');
  });
});
