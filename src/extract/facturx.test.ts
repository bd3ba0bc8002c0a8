import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { AFRelationship, PDFDocument, StandardFonts } from 'pdf-lib';
import { extractDocument, type Extraction, type ExtractionResult } from './index.js';
import { EINVOICE_FIXTURES } from '../../test/helpers/fixtures.js';

/**
 * Factur-X / ZUGFeRD hybrids built here with pdf-lib: a one-page PDF with a fixture's XML
 * attached the way those standards attach it. pdf-lib writes compressed object streams and
 * a cross-reference stream by default, and classic tables on request; both are read.
 */
const fixture = (dir: string, file: string): Buffer =>
  readFileSync(path.resolve(EINVOICE_FIXTURES, dir, file));

interface Attachment { name: string; bytes: Buffer; mimeType?: string }

async function hybridPdf(attachments: Attachment[], options: { pages?: number; useObjectStreams?: boolean } = {}): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < (options.pages ?? 1); i++) pdf.addPage().drawText(`Invoice, page ${i + 1}`, { x: 50, y: 700, size: 12, font });
  for (const a of attachments) {
    await pdf.attach(a.bytes, a.name, {
      mimeType: a.mimeType ?? 'text/xml', description: 'Factur-X invoice', afRelationship: AFRelationship.Alternative,
      creationDate: new Date('2024-03-14T00:00:00Z'), modificationDate: new Date('2024-03-14T00:00:00Z'),
    });
  }
  return Buffer.from(await pdf.save({ useObjectStreams: options.useObjectStreams ?? true }));
}

function ok(result: ExtractionResult): Extraction {
  assert.ok(result.ok, result.ok ? '' : `${result.reason}: ${result.message}`);
  return result;
}

describe('Factur-X / ZUGFeRD PDFs', () => {
  for (const useObjectStreams of [true, false]) {
    it(`reads factur-x.xml from a PDF (${useObjectStreams ? 'object streams' : 'classic cross-reference table'})`, async () => {
      const bytes = await hybridPdf([{ name: 'factur-x.xml', bytes: fixture('cii', 'CII_example1.xml') }], { useObjectStreams });
      const x = ok(await extractDocument({ bytes, filename: 'invoice.pdf' }));
      assert.equal(x.source, 'facturx');
      assert.equal(x.pages, 1);
      assert.deepEqual([x.structured?.syntax, x.structured?.embeddedFile], ['cii', 'factur-x.xml']);
      // the values of CII_example1.xml, as in the fixture table
      assert.equal(x.fields.number?.value, '12115118');
      assert.equal(x.fields.issueDate?.value, '2015-01-09');
      assert.equal(x.fields.sellerName?.value, 'De Koksmaat');
      assert.equal(x.fields.sellerVatId?.value, 'NL8200.98.395.B.01');
      assert.equal(x.fields.iban?.value, 'NL57 RABO 0107307510');
      assert.deepEqual([x.fields.totalWithoutVat?.value, x.fields.totalVat?.value, x.fields.totalWithVat?.value, x.fields.amountDue?.value],
        ['229.6', '20.73', '250.33', '250.33']);
      assert.equal(x.lines.length, 20);
      assert.deepEqual(x.fields.number?.provenance, { kind: 'xml', path: '/CrossIndustryInvoice/ExchangedDocument/ID' });
      assert.deepEqual(x.warnings, []);
    });
  }

  for (const name of ['zugferd-invoice.xml', 'ZUGFeRD-invoice.xml', 'xrechnung.xml']) {
    it(`reads ${name}`, async () => {
      const bytes = await hybridPdf([{ name, bytes: fixture('cii', 'XRechnung-O.xml') }]);
      const x = ok(await extractDocument({ bytes }));
      assert.deepEqual([x.source, x.structured?.embeddedFile, x.fields.number?.value], ['facturx', name, '150377292']);
    });
  }

  it('reads a UBL invoice attached under its own name, and prefers the standard name', async () => {
    const ubl = await hybridPdf([{ name: 'invoice-2019.xml', bytes: fixture('ubl', 'ubl-tc434-creditnote1.xml'), mimeType: 'application/xml' }]);
    const x = ok(await extractDocument({ bytes: ubl }));
    assert.deepEqual([x.structured?.syntax, x.fields.documentType?.value, x.fields.number?.value], ['ubl', 'credit_note', '018304 / 28865']);
    const both = await hybridPdf([
      { name: 'invoice-2019.xml', bytes: fixture('ubl', 'ubl-tc434-creditnote1.xml') },
      { name: 'factur-x.xml', bytes: fixture('cii', 'CII_example9.xml') },
    ]);
    assert.equal(ok(await extractDocument({ bytes: both })).fields.number?.value, '20150483');
  });

  it('passes over attached XML that is not an invoice', async () => {
    const bytes = await hybridPdf([
      { name: 'delivery.xml', bytes: Buffer.from('<?xml version="1.0"?><DespatchAdvice><ID>1</ID></DespatchAdvice>') },
      { name: 'factur-x.xml', bytes: fixture('cii', 'CII_example4.xml') },
    ]);
    assert.equal(ok(await extractDocument({ bytes })).fields.number?.value, 'TOSL110');
  });

  it('warns when two standard e-invoice files are attached', async () => {
    const bytes = await hybridPdf([
      { name: 'factur-x.xml', bytes: fixture('cii', 'CII_example8.xml') },
      { name: 'xrechnung.xml', bytes: fixture('cii', 'XRechnung-O.xml') },
    ]);
    const x = ok(await extractDocument({ bytes }));
    assert.equal(x.fields.number?.value, '1100512149');
    assert.deepEqual(x.warnings.map((w) => w.code), ['several_embedded_invoices']);
  });

  it('never takes a PDF without e-invoice XML (or with another attachment) for a structured invoice', async () => {
    for (const bytes of [await hybridPdf([]), await hybridPdf([{ name: 'notes.txt', bytes: Buffer.from('hello'), mimeType: 'text/plain' }])]) {
      const result = await extractDocument({ bytes });
      // Read from its text layer or by OCR (or found empty), never as Factur-X with exact confidence.
      if (result.ok) {
        assert.ok(result.source === 'pdf-text' || result.source === 'ocr', result.source);
        assert.equal(result.structured, null);
      } else assert.equal(result.reason, 'unsupported');
    }
  });

  it('refuses a 500-page PDF without XML, but still reads the XML of a long hybrid', async () => {
    const plain = await extractDocument({ bytes: await hybridPdf([], { pages: 500 }) });
    assert.deepEqual(plain.ok ? 'ok' : plain.reason, 'too_many_pages');
    assert.match(plain.ok ? '' : plain.message, /500 pages/);
    const hybrid = ok(await extractDocument({ bytes: await hybridPdf([{ name: 'factur-x.xml', bytes: fixture('cii', 'CII_example3.xml') }], { pages: 500 }) }));
    assert.equal(hybrid.pages, 500);
  });

  it('ends a truncated PDF as malformed', async () => {
    for (const useObjectStreams of [true, false]) {
      const bytes = await hybridPdf([{ name: 'factur-x.xml', bytes: fixture('cii', 'CII_example1.xml') }], { useObjectStreams });
      for (const keep of [0.5, 0.1, 0.02]) {
        const result = await extractDocument({ bytes: bytes.subarray(0, Math.floor(bytes.length * keep)) });
        assert.equal(result.ok ? 'ok' : result.reason, 'malformed', `kept ${keep} (${useObjectStreams})`);
      }
    }
  });

  it('reads a file whose cross-reference offsets are wrong by rebuilding them', async () => {
    const bytes = await hybridPdf([{ name: 'factur-x.xml', bytes: fixture('cii', 'CII_example8.xml') }], { useObjectStreams: false });
    const text = bytes.toString('latin1');
    const broken = Buffer.from(text.replace(/startxref\s+\d+/, 'startxref\n17'), 'latin1');
    assert.equal(ok(await extractDocument({ bytes: broken })).fields.number?.value, '1100512149');
  });

  it('applies the XML size limit to the embedded file', async () => {
    const bytes = await hybridPdf([{ name: 'factur-x.xml', bytes: fixture('cii', 'CII_example1.xml') }]);
    const result = await extractDocument({ bytes }, { maxXmlBytes: 10_000 });
    assert.equal(result.ok ? 'ok' : result.reason, 'too_large');
  });

  it('refuses an embedded XML with a DOCTYPE', async () => {
    const evil = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rsm:CrossIndustryInvoice xmlns:rsm="x">&x;</rsm:CrossIndustryInvoice>';
    const result = await extractDocument({ bytes: await hybridPdf([{ name: 'factur-x.xml', bytes: Buffer.from(evil) }]) });
    assert.equal(result.ok ? 'ok' : result.reason, 'unsafe_xml');
    assert.match(result.ok ? '' : result.message, /factur-x\.xml/);
  });
});
