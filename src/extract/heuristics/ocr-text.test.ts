import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Extraction } from '../types.js';
import { readFieldsFromText } from './read-fields.js';

/**
 * Text as OCR hands it over from 200 dpi scans: "rn" read as "m", l and 1 mixed up, specks
 * read as a stray letter or digit in a column gap, the "·" between address parts read as a
 * dash. The heuristics must read the same fields from it as from a clean text layer.
 */
const read = (text: string): Extraction => readFieldsFromText([{ page: 1, text, confidence: 0.86 }], 'ocr');
const value = (x: Extraction, name: keyof Extraction['fields']): unknown => x.fields[name]?.value;

describe('text heuristics on OCR text', () => {
  it('Dutch: a label read with "m" for "rn", and a speck read as a digit in the header row', () => {
    const x = read(`FACTUUR   à
Factuumummer   Factuurdatum   3   Vervaldatum
TOSL108   30-06-2013   20-07-2013
Leverancier
Salescompany ltd.
BTW-nr: BE0123.456.749
Totaalexcl.btw   Totaal btw   Totaalincl. btw   Tebetalen
1.436,50 EUR   301,67 EUR   1.738,17 EUR   1.738,17 EUR   5`);
    assert.equal(value(x, 'number'), 'TOSL108');
    assert.equal(value(x, 'issueDate'), '2013-06-30');
    assert.equal(value(x, 'dueDate'), '2013-07-20');
    assert.equal(value(x, 'sellerVatId'), 'BE0123456749');
    assert.deepEqual([value(x, 'totalWithoutVat'), value(x, 'totalVat'), value(x, 'totalWithVat')], ['1436.50', '301.67', '1738.17']);
  });

  it('Dutch: a stray letter after a label on its own line does not hide the value below', () => {
    const x = read(`Factuur aan:   í
ODIN 59
FACTUUR
Factuumummer   J
12115118
Factuurdatum
09-01-2015`);
    assert.equal(value(x, 'number'), '12115118');
    assert.equal(value(x, 'issueDate'), '2015-01-09');
    assert.equal(value(x, 'buyerName'), 'ODIN 59');
  });

  it('French: "l" read for "1" in the label, the footer\'s "·" read as a dash', () => {
    const x = read(`Client :
Company B
FACTURE
N° de facture   F-2024-7
Date de facture   03/02/2024
Total HT : 100,00 €
TVA : 20,00 €
Total TTC : 120,00 €
Boulangerie Dupont SARL - Avenue Louise 54 · 4000 Liège - N° TVA: FR40303265045`);
    assert.equal(value(x, 'number'), 'F-2024-7');
    assert.equal(value(x, 'issueDate'), '2024-02-03');
    assert.equal(value(x, 'sellerName'), 'Boulangerie Dupont SARL');
    assert.equal(value(x, 'sellerVatId'), 'FR40303265045');
    assert.equal(value(x, 'totalWithVat'), '120.00');
  });

  it('German: "Rechnungsnumrner" and "0" for "o" still name the number; a stray "De" before a total is no heading', () => {
    const x = read(`Muster GmbH
Hauptstraße 3
USt-IdNr.: DE136695976
RECHNUNG
Rechnungsnumrner: 2024-0815
Rechnungsdatum: 14.03.2024
Summe netto   150,00 EUR
De   Summe MwSt.   28,50 EUR
Gesamtbetrag   178,50 EUR`);
    assert.equal(value(x, 'number'), '2024-0815');
    assert.equal(value(x, 'issueDate'), '2024-03-14');
    assert.equal(value(x, 'sellerName'), 'Muster GmbH');
    assert.equal(value(x, 'sellerVatId'), 'DE136695976');
    assert.equal(value(x, 'totalWithVat'), '178.50');
    assert.equal(value(x, 'totalVat'), '28.50');
  });

  it('English: a header row over a value row with one speck too many, and "lnvoice" for "Invoice"', () => {
    const x = read(`INVOICE
lnvoice number   Invoice date   Due date
INV-0042   14/03/2024   13/04/2024   x
Seller
Corner Shop Ltd
VAT number: GB980780684
Total excl. VAT   VAT   Total incl. VAT
£ 100.00   £ 20.00   £ 120.00   1`);
    assert.equal(value(x, 'number'), 'INV-0042');
    assert.equal(value(x, 'issueDate'), '2024-03-14');
    assert.equal(value(x, 'dueDate'), '2024-04-13');
    assert.equal(value(x, 'sellerName'), 'Corner Shop Ltd');
    assert.equal(value(x, 'sellerVatId'), 'GB980780684');
    assert.deepEqual([value(x, 'totalWithoutVat'), value(x, 'totalVat'), value(x, 'totalWithVat')], ['100.00', '20.00', '120.00']);
  });

  it('keeps a lone digit that is the value itself, and a real "Van" name is no heading', () => {
    const x = read('Factuurnummer: 7\nDatum: 14/03/2024\nVan Dijk BV   Totaal: € 12,10');
    assert.equal(value(x, 'number'), '7');
    assert.equal(value(x, 'totalWithVat'), '12.10');
  });
});
