import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { LANGUAGES } from '../../domain/documents.js';
import { extractDocument, type Extraction } from '../index.js';
import { LAYOUTS, renderInvoicePdf, type InvoiceView } from '../../../bench/extract/render.js';

/** An invoice as the structured reader would give it, rendered by the benchmark's PDF renderer. */
const field = <T>(value: T) => ({ value, confidence: 1, provenance: { kind: 'xml' as const, path: '/' } });
const INVOICE: InvoiceView = {
  fields: {
    documentType: field('invoice'), number: field('2024/0042'), issueDate: field('2024-03-14'), dueDate: field('2024-04-13'),
    currency: field('EUR'), sellerName: field('Atelier Leroy SRL'), sellerVatId: field('BE0123456749'), buyerName: field('Kunde AG'),
    buyerVatId: field('DE136695976'), iban: field('BE68 5390 0754 7034'), paymentReference: field('+++090/9337/55493+++'),
    totalWithoutVat: field('1500.00'), totalVat: field('315.00'), totalWithVat: field('1815.00'), amountDue: field('1815.00'),
  },
  lines: [{ id: '1', name: 'Consultancy', description: null, quantity: '10', unitCode: 'HUR', unitPrice: '150.00', netAmount: '1500.00',
    vatCategory: 'S', vatRate: '21', confidence: 1, provenance: { kind: 'xml', path: '/' } }],
  vatBreakdown: [{ category: 'S', rate: '21', taxableAmount: '1500.00', taxAmount: '315.00', exemptionReason: null, confidence: 1,
    provenance: { kind: 'xml', path: '/' } }],
};

async function readPdf(bytes: Uint8Array, limits = {}) {
  return extractDocument({ bytes: Buffer.from(bytes), filename: 'invoice.pdf' }, limits);
}

async function plainPdf(pages: number, text: (n: number) => string | null): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let n = 1; n <= pages; n++) {
    const page = doc.addPage([595, 842]);
    const t = text(n);
    if (t !== null) page.drawText(t, { x: 50, y: 780, size: 10, font });
  }
  return doc.save();
}

describe('PDF text layer', () => {
  for (const lang of LANGUAGES) {
    for (const layout of LAYOUTS) {
      it(`reads a ${lang} invoice in the ${layout} layout`, async () => {
        const x = await readPdf(await renderInvoicePdf(INVOICE, lang, layout, 3));
        assert.ok(x.ok, x.ok ? '' : x.message);
        const e = x as Extraction;
        assert.equal(e.source, 'pdf-text');
        assert.equal(e.pages, 1);
        const got = Object.fromEntries(['number', 'issueDate', 'dueDate', 'sellerVatId', 'buyerVatId', 'totalWithVat', 'amountDue', 'sellerName']
          .map((k) => [k, e.fields[k as keyof Extraction['fields']]?.value]));
        assert.deepEqual(got, { number: '2024/0042', issueDate: '2024-03-14', dueDate: '2024-04-13', sellerVatId: 'BE0123456749',
          buyerVatId: 'DE136695976', totalWithVat: '1815.00', amountDue: '1815.00', sellerName: 'Atelier Leroy SRL' });
        const p = e.fields.number!.provenance;
        assert.equal(p.kind === 'text' && e.text.slice(p.start, p.end), '2024/0042');
      });
    }
  }

  it('keeps the reading order: lines top to bottom, pieces left to right, columns apart', async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    const page = doc.addPage([595, 842]);
    page.drawText('Total', { x: 300, y: 700, size: 10, font }); // drawn first, printed lower
    page.drawText('EUR 10.00', { x: 450, y: 700, size: 10, font });
    page.drawText('Invoice number', { x: 50, y: 760, size: 10, font });
    page.drawText('A-7', { x: 200, y: 760, size: 10, font });
    const x = await readPdf(await doc.save());
    assert.ok(x.ok, x.ok ? '' : x.message);
    assert.equal((x as Extraction).text, 'Invoice number   A-7\nTotal   EUR 10.00');
    assert.equal((x as Extraction).fields.number?.value, 'A-7');
  });

  it('sends a PDF without a text layer to OCR, and ends a blank one as unsupported, saying no text was found', async () => {
    const x = await readPdf(await plainPdf(2, () => null));
    assert.equal(x.ok, false);
    assert.equal(!x.ok && x.reason, 'unsupported');
    assert.match(!x.ok ? x.message : '', /OCR found no text/);
  });

  it('ends a truncated text PDF as malformed, and garbage after the header too', async () => {
    const bytes = await renderInvoicePdf(INVOICE, 'en', 'letterhead', 1);
    const cut = await readPdf(bytes.subarray(0, Math.floor(bytes.length / 2)));
    assert.equal(!cut.ok && cut.reason, 'malformed');
    const junk = await readPdf(Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2000, 0x41)]));
    assert.equal(junk.ok, false);
  });

  it('refuses a PDF with more pages than the limit, typed as too_many_pages', async () => {
    const bytes = await plainPdf(40, (n) => `Page ${n} of a long report with enough words on it`);
    const x = await readPdf(bytes, { maxPages: 25 });
    assert.equal(!x.ok && x.reason, 'too_many_pages');
    const ok = await readPdf(bytes, { maxPages: 40 });
    assert.ok(ok.ok);
    assert.equal((ok as Extraction).pages, 40);
  });
});
