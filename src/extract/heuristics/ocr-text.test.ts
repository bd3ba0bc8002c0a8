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
/** The fields named in `want`, as read: one assertion that shows every wrong field at once. */
function expectFields(x: Extraction, want: Partial<Record<keyof Extraction['fields'], string>>): void {
  const got = Object.fromEntries(Object.keys(want).map((name) => [name, x.fields[name as keyof Extraction['fields']]?.value]));
  assert.deepEqual(got, want);
}

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
    expectFields(x, { number: 'TOSL108', issueDate: '2013-06-30', dueDate: '2013-07-20', sellerVatId: 'BE0123456749', totalWithoutVat: '1436.50', totalVat: '301.67', totalWithVat: '1738.17' });
  });

  it('Dutch: a stray letter after a label on its own line does not hide the value below', () => {
    const x = read(`Factuur aan:   í
ODIN 59
FACTUUR
Factuumummer   J
12115118
Factuurdatum
09-01-2015`);
    expectFields(x, { number: '12115118', issueDate: '2015-01-09', buyerName: 'ODIN 59' });
  });

  it('French: "l" read for "1" in the label, the footer\'s "·" read as a dash', () => {
    const x = read(`Client :
Company B
FACTURE
N° de facture   F-2024-7
Date de facture   03/02/2024
Tota1 HT : 100,00 €
TVA : 20,00 €
Total TTC : 120,00 €
Boulangerie Dupont SARL - Avenue Louise 54 · 4000 Liège - N° TVA: FR40303265045`);
    expectFields(x, { number: 'F-2024-7', issueDate: '2024-02-03', sellerName: 'Boulangerie Dupont SARL', sellerVatId: 'FR40303265045', totalWithVat: '120.00' });
  });

  it('German: "Rechnungsnumrner" and "0" for "o" still name the number; a stray "De" before a total is no heading', () => {
    const x = read(`Muster GmbH
Hauptstraße 3
USt-IdNr.: DE136695976
RECHNUNG
Rechnungsnumrner: 2024-0815
Rechnungsdatum: 14.03.2024
Summe nett0   150,00 EUR
De   Summe MwSt.   28,50 EUR
Gesamtbetrag   178,50 EUR`);
    expectFields(x, { number: '2024-0815', issueDate: '2024-03-14', sellerName: 'Muster GmbH', sellerVatId: 'DE136695976', totalWithVat: '178.50', totalVat: '28.50' });
  });

  it('English: a header row over a value row with one speck too many, "lnvoice" for "Invoice", a speck after a VAT id kept as printed', () => {
    const x = read(`INVOICE
lnvoice number   Invoice date   Due date
INV-0042   14/03/2024   13/04/2024   x
Seller
Corner Shop Ltd
VAT number: GB980780684
Customer VAT: NO987654321MVA   a
Total excl. VAT   VAT   Total incl. VAT
£ 100.00   £ 20.00   £ 120.00   1`);
    expectFields(x, { number: 'INV-0042', issueDate: '2024-03-14', dueDate: '2024-04-13', sellerName: 'Corner Shop Ltd', sellerVatId: 'GB980780684', buyerVatId: 'NO987654321MVA', totalWithoutVat: '100.00', totalVat: '20.00', totalWithVat: '120.00' });
  });

  it('keeps a lone digit that is the value itself, and a real "Van" name is no heading', () => {
    const x = read('Factuurnummer: 7\nDatum: 14/03/2024\nVan Dijk BV   Totaal: € 12,10');
    expectFields(x, { number: '7', totalWithVat: '12.10' });
  });
});
