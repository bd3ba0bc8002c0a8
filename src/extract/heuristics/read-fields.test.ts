import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Extraction } from '../types.js';
import { readFieldsFromText } from './read-fields.js';

/** Invoices as plain text, one per language, the way a text layer or OCR hands them over. */
const read = (text: string, source: 'pdf-text' | 'ocr' = 'pdf-text', confidence?: number): Extraction =>
  readFieldsFromText([{ page: 1, text, ...(confidence !== undefined && { confidence }) }], source);

const values = (x: Extraction): Record<string, unknown> => Object.fromEntries(Object.entries(x.fields).map(([k, f]) => [k, f.value]));

/** Every field's provenance points at the text it was read from. */
function assertSpans(x: Extraction): void {
  for (const [name, f] of Object.entries(x.fields)) {
    assert.equal(f.provenance.kind, 'text');
    if (f.provenance.kind !== 'text') continue;
    assert.ok(f.provenance.end >= f.provenance.start && f.provenance.end <= x.text.length, `${name} span`);
  }
}

const NL = `Bakkerij Janssens BV
Kerkstraat 1, 1000 Brussel
BTW-nr: BE0123.456.749

FACTUUR
Factuurnummer:   F-2024-017
Factuurdatum:   14/03/2024
Vervaldatum:   13/04/2024

Factuur aan:
Klant NV
BTW-nr: BE0000000196

Totaal excl. btw   € 2.000,00
BTW 21%   € 420,00
Totaal incl. btw   € 2.420,00
Te betalen   € 2.420,00
IBAN BE68 5390 0754 7034   Mededeling +++090/9337/55493+++`;

describe('text heuristics', () => {
  it('reads a Dutch invoice, proving VAT ids, IBAN, reference and totals', () => {
    const x = read(NL);
    assert.deepEqual(values(x), {
      documentType: 'invoice', number: 'F-2024-017', issueDate: '2024-03-14', dueDate: '2024-04-13', currency: 'EUR',
      sellerName: 'Bakkerij Janssens BV', sellerVatId: 'BE0123456749', buyerName: 'Klant NV', buyerVatId: 'BE0000000196',
      iban: 'BE68539007547034', paymentReference: '+++090/9337/55493+++',
      totalWithoutVat: '2000.00', totalVat: '420.00', totalWithVat: '2420.00', amountDue: '2420.00',
    });
    assert.deepEqual(x.warnings, []);
    assert.ok(x.fields.sellerVatId!.confidence >= 0.95, 'check digits make a fact');
    assert.ok(x.fields.totalWithVat!.confidence >= 0.95, 'totals that add up make facts');
    const p = x.fields.number!.provenance;
    assert.equal(p.kind === 'text' && x.text.slice(p.start, p.end), 'F-2024-017');
    assertSpans(x);
  });

  it('reads a French credit note with the totals in a table', () => {
    const x = read(`NOTE DE CRÉDIT
Fournisseur
Boulangerie Dupont SARL
N° TVA : FR40303265045

N° de facture   Date de facture   Échéance
AV-88   3 février 2024   1er mars 2024

Total HT   Total TVA   Total TTC   Net à payer
1 234,56 €   246,91 €   1 481,47 €   1 481,47 €`);
    assert.equal(x.fields.documentType?.value, 'credit_note');
    assert.equal(x.fields.number?.value, 'AV-88');
    assert.equal(x.fields.issueDate?.value, '2024-02-03');
    assert.equal(x.fields.dueDate?.value, '2024-03-01');
    assert.equal(x.fields.sellerName?.value, 'Boulangerie Dupont SARL');
    assert.equal(x.fields.sellerVatId?.value, 'FR40303265045');
    assert.deepEqual([x.fields.totalWithoutVat?.value, x.fields.totalVat?.value, x.fields.totalWithVat?.value, x.fields.amountDue?.value],
      ['1234.56', '246.91', '1481.47', '1481.47']);
    assertSpans(x);
  });

  it('reads a German invoice and takes the total VAT, not a breakdown row', () => {
    const x = read(`Muster GmbH · Hauptstraße 3 · 10115 Berlin
RECHNUNG
Rechnungsnummer: 2024-0815
Rechnungsdatum: 14.03.2024
Fällig am: 28.03.2024
USt-IdNr.: DE136695976
MwSt. 19%   100,00 EUR   19,00 EUR
MwSt. 7%   50,00 EUR   3,50 EUR
Summe netto   150,00 EUR
Summe MwSt.   22,50 EUR
Gesamtbetrag   172,50 EUR`);
    assert.equal(x.fields.number?.value, '2024-0815');
    assert.equal(x.fields.dueDate?.value, '2024-03-28');
    assert.equal(x.fields.sellerVatId?.value, 'DE136695976');
    assert.equal(x.fields.totalVat?.value, '22.50');
    assert.equal(x.fields.totalWithVat?.value, '172.50');
    assert.equal(x.fields.amountDue?.value, '172.50', 'no amount due printed: the total is due');
    assert.ok(x.fields.amountDue!.confidence < x.fields.totalWithVat!.confidence);
  });

  it('reads an English receipt and flags a VAT id whose check digits are wrong', () => {
    const receipt = `Corner Shop Ltd
RECEIPT
Receipt no: 4471
Date: March 14, 2024
VAT number: NL123456789B02
Total   £ 12.50`;
    // a text layer holds what was printed: the reading is sure, the printed id is wrong, which the warning says;
    // from OCR the likelier cause is a misread digit, so the value itself is unsure
    const printed = read(receipt);
    assert.equal(printed.fields.sellerVatId?.value, 'NL123456789B02');
    assert.ok(printed.fields.sellerVatId!.confidence >= 0.8);
    assert.deepEqual(printed.warnings.map((w) => w.code), ['invalid_vat_id']);
    const x = read(receipt, 'ocr', 0.95);
    assert.equal(x.fields.number?.value, '4471');
    assert.equal(x.fields.issueDate?.value, '2024-03-14');
    assert.equal(x.fields.currency?.value, 'GBP');
    assert.equal(x.fields.totalWithVat?.value, '12.50');
    assert.ok(x.fields.sellerVatId, 'kept as printed');
    assert.ok(x.fields.sellerVatId!.confidence <= 0.5);
    assert.deepEqual(x.warnings.map((w) => w.code), ['invalid_vat_id']);
  });

  it('warns when the totals do not add up, and does not claim them as facts', () => {
    const x = read('Invoice number: 7\nDate: 14/03/2024\nTotal excl. VAT: 100.00\nTotal VAT: 21.00\nTotal incl. VAT: 122.00');
    assert.ok(x.warnings.some((w) => w.code === 'totals_mismatch'));
    assert.ok(x.fields.totalWithVat!.confidence < 0.9);
  });

  it('tolerates OCR noise (O for 0, l for 1, missing spaces) and scales confidence by the page', () => {
    const x = read('FACTUUR\nFactuurnummer:F-2O24-l7\nDatum: l4/O3/2024\nBTW BE0l23.456.749\nTotaal: € l.2l0,00', 'ocr', 0.7);
    assert.equal(x.source, 'ocr');
    assert.equal(x.fields.issueDate?.value, '2024-03-14');
    assert.equal(x.fields.totalWithVat?.value, '1210.00');
    assert.equal(x.fields.sellerVatId?.value, 'BE0123456749');
    assert.ok(x.fields.issueDate!.confidence < read('Datum: 14/03/2024').fields.issueDate!.confidence);
  });

  it('points fields on a second page at that page', () => {
    const x = readFieldsFromText([{ page: 1, text: 'INVOICE\nInvoice number: A-1' }, { page: 2, text: 'Total: EUR 50.00' }], 'pdf-text');
    const p = x.fields.totalWithVat!.provenance;
    assert.equal(p.kind === 'text' && p.page, 2);
    assert.equal(p.kind === 'text' && x.text.slice(p.start, p.end), 'EUR 50.00');
  });

  it('reports what it could not find', () => {
    const x = read('Hello, this is not an invoice.');
    assert.deepEqual(x.warnings.filter((w) => w.code === 'missing_field').map((w) => w.field), ['number', 'issueDate', 'totalWithVat']);
  });
});
