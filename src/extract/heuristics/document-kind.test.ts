import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Extraction } from '../types.js';
import type { PageText } from '../text/page-text.js';
import { readFieldsFromText } from './read-fields.js';

/**
 * What kind of document it is, and how sure: a title the way other producers print it (letter-
 * spaced, a German compound, a heading that goes on with its number), a German "Gutschrift"
 * that is a self-billed invoice, and, without a title, the label of the document's number.
 * A sure kind carries 0.8 or more; a guess less.
 */
const read = (text: string): Extraction => readFieldsFromText([{ page: 1, text } satisfies PageText], 'pdf-text');
const kind = (x: Extraction) => [x.fields.documentType?.value, (x.fields.documentType?.confidence ?? 0) >= 0.8];

describe('the kind of document', () => {
  it('reads a letter-spaced compound title in a column of its own (de)', () => {
    const x = read('Lieferant   Käufer   W A R E N R E C H N U N G   Seite   1\nBeleg-Nr   : R8765\nBeleg-Datum   : 06.08.2013\nEndbetrag   518,99');
    assert.deepEqual(kind(x), ['invoice', true]);
  });

  it('reads a heading that goes on with the number and date (de, nl)', () => {
    assert.deepEqual(kind(read('Stylesheet zur Lesbarmachung\nMietrechnung Nr. 9314110911/00/M vom 01.10.2018 für den Monat Oktober des Jahres\nGesamtbetrag 119,00')), ['invoice', true]);
    assert.deepEqual(kind(read('Voorschotfactuur nummer 2024-17 van 04.03.2024 voor de werken aan de Kerkstraat in Gent\nTotaal 242,00')), ['invoice', true]);
  });

  it('types a German "Gutschrift" that says it is a self-billed invoice as an invoice, and a plain one as a credit note', () => {
    assert.deepEqual(kind(read('Gutschrift (Selbst ausgestellte Rechnung) Nr. 47110818\nvom 31.10.2018\nGesamtbetrag 119,00')), ['invoice', true]);
    assert.deepEqual(kind(read('GUTSCHRIFT\nGutschriftsnummer: GS-19\nGesamtbetrag 11,90')), ['credit_note', true]);
  });

  it('reads a corrected invoice as an invoice (de, fr)', () => {
    assert.deepEqual(kind(read('Lieferant   Käufer   RECHNUNGS-KORREKTUR   Seite   1\nBeleg-Nr   : RK21012345')), ['invoice', true]);
    assert.deepEqual(kind(read('FACTURE RECTIFICATIVE\nN° de facture : FR-2024-9')), ['invoice', true]);
  });

  it('without a title, the number\'s label says which kind (fr, en), and with nothing to go on it is an unsure invoice', () => {
    assert.deepEqual(kind(read('Imprimerie Lemaire SARL\nN° d\'avoir : AV-2024-007\nTotal TTC 12,00 €')), ['credit_note', true]);
    assert.deepEqual(kind(read('Northwind Supplies Ltd\nInvoice number: INV-7781\nTotal 96.00 GBP')), ['invoice', true]);
    assert.deepEqual(kind(read('Northwind Supplies Ltd\nReference: 7781\nTotal 96.00 GBP')), ['invoice', false]);
  });
});

describe('totals that agree', () => {
  it('a total and an amount due printed apart that say the same are sure; a lone total is not', () => {
    const x = read('FACTUUR\nFactuurnummer: F-1\nTotaal incl. btw   242,00 EUR\n\nTe betalen   242,00 EUR');
    assert.equal(x.fields.totalWithVat?.value, '242.00');
    assert.ok(x.fields.totalWithVat!.confidence >= 0.8 && x.fields.amountDue!.confidence >= 0.8);
    const lone = read('FACTUUR\nFactuurnummer: F-1\nTotaal incl. btw   242,00 EUR');
    assert.ok(lone.fields.totalWithVat!.confidence < 0.8, 'one reading, unchecked');
  });
});

describe('the number and date in a heading', () => {
  it('reads "Rechnung des Versicherers Nr. X vom" with the date on the next line (de)', () => {
    const x = read('Stylesheet zur Lesbarmachung der XML-Daten\nRechnung des Versicherers Nr. 01.234.567.8-2018-1 vom\n06.12.2018\nGesamtbetrag 119,00');
    assert.equal(x.fields.number?.value, '01.234.567.8-2018-1');
    assert.equal(x.fields.issueDate?.value, '2018-12-06');
    assert.ok(x.fields.issueDate!.confidence >= 0.8, 'a heading\'s date is no guess');
  });

  it('reads "Gutschrift (...) Nr. X" over "vom DD.MM.YYYY" (de)', () => {
    const x = read('Gutschrift (Selbst ausgestellte Rechnung) Nr. 471102\nvom 05.03.2018\nGesamtbetrag 119,00');
    assert.equal(x.fields.number?.value, '471102');
    assert.equal(x.fields.issueDate?.value, '2018-03-05');
  });

  it('a title with the number alone on its line is sure; a title line with more on it is a guess (fr, en)', () => {
    const alone = read('Au bon moulin SARL\nFacture FA-2017-0010\nTotal TTC 120,00 €');
    assert.equal(alone.fields.number?.value, 'FA-2017-0010');
    assert.ok(alone.fields.number!.confidence >= 0.8);
    const year = read('Northwind Supplies Ltd\nInvoice 2024\nTotal 96.00 GBP');
    assert.ok((year.fields.number?.confidence ?? 0) < 0.8, 'a bare year after the title is not sure to be the number');
  });
});
