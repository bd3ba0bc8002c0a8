import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Extraction } from '../types.js';
import type { PageText } from '../text/page-text.js';
import { readFieldsFromText } from './read-fields.js';

/**
 * Totals and sellers from agreement rather than labels (docs/extract.md, "Totals checked
 * against each other (2026-12-07)"): small made-up invoices in nl, fr, de and en, each printing its totals
 * or its seller in a way no label points at.
 */
const read = (text: string, source: 'pdf-text' | 'ocr' = 'pdf-text'): Extraction =>
  readFieldsFromText([{ page: 1, text, ...(source === 'ocr' && { confidence: 0.95 }) } satisfies PageText], source);
const value = (x: Extraction, name: keyof Extraction['fields']): unknown => x.fields[name]?.value;
const confidence = (x: Extraction, name: keyof Extraction['fields']): number => x.fields[name]?.confidence ?? -1;

describe('totals printed as a table', () => {
  it('reads the last row of a totals table whose header names net, VAT and gross (de), checked by the rows per rate', () => {
    const x = read(`Rechnung Nr. 2024-88 vom 02.05.2024
Warenwert   Zu-/Abschlag   Nettobetrag   MwSt-Betrag   MwSt-%   Endbetrag
200,00   -10,00   190,00   36,10   19,0   226,10
100,00   100,00   7,00   7,0   107,00
300,00   -10,00   290,00   43,10   EUR   333,10
Bei Zahlung innerhalb 14 Tagen 2% Skonto.`);
    assert.equal(value(x, 'totalWithoutVat'), '290.00');
    assert.equal(value(x, 'totalVat'), '43.10');
    assert.equal(value(x, 'totalWithVat'), '333.10');
    assert.ok(confidence(x, 'totalWithVat') >= 0.9, 'the addition proves it');
    assert.equal(value(x, 'amountDue'), '333.10');
  });

  it('reads a corrective invoice whose table row is negative (de)', () => {
    const x = read(`RECHNUNGSKORREKTUR Nr. RK-12 vom 16.09.2024
Nettobetrag   MwSt-Betrag   Endbetrag
-7,67   -1,12   -8,79`);
    assert.equal(value(x, 'totalWithVat'), '-8.79');
  });

  it('takes a zero VAT only when no VAT amount adds up (en)', () => {
    const x = read(`Invoice number: 7781
Date: 03/04/2024
Net amount   VAT amount   Discount   Total
700.00   130.00   0.00   830.00`);
    assert.equal(value(x, 'totalWithoutVat'), '700.00');
    assert.equal(value(x, 'totalVat'), '130.00');
  });

  it('reads net, tax and sum on three lines under labels it does not know (de)', () => {
    const x = read(`Beitragsrechnung   24. Januar 2024
Privathaftpflicht   50,00 €
Gesamtbeitrag   50,00 €
Versicherungsteuer 19 %   9,50 €
Rechnungsbeitrag   59,50 €`);
    assert.equal(value(x, 'totalWithVat'), '59.50');
    assert.equal(value(x, 'totalVat'), '9.50');
    assert.equal(value(x, 'amountDue'), '59.50');
  });

  it('does not take three lines that add up for totals when the middle one names no tax (nl)', () => {
    const x = read(`Factuur 2024-17
Datum: 03-04-2024
Werkuren   80,00
Verplaatsing   140,00
Subtotaal   220,00`);
    assert.equal(x.fields.totalVat, undefined);
  });
});

describe('totals checked by the VAT breakdown', () => {
  it('checks a net and a gross by the VAT of the rows per rate when no VAT total joins them (de)', () => {
    const x = read(`Rechnung Nr. 471102 vom 05.03.2024
Rechnungssumme Netto (excl. USt.)   473,00
Steuerbasisbetrag USt. 7%   275,00   19,25
Steuerbasisbetrag USt. 19%   198,00   37,62
Rechnungssumme Brutto (inkl. USt.)   529,87`);
    assert.equal(value(x, 'totalWithoutVat'), '473.00');
    assert.equal(value(x, 'totalWithVat'), '529.87');
    assert.ok(confidence(x, 'totalWithVat') >= 0.9, 'the rows prove it');
    assert.notEqual(value(x, 'totalVat'), '529.87', 'the gross is no VAT');
  });

  it('does not prove totals that the breakdown contradicts (fr)', () => {
    const x = read(`Facture F-9
Date de facture   13/11/2024
Total HT   600,00 €
TVA 20,0%   500,00 €   100,00 €
Total TTC   710,00 €`);
    assert.ok(confidence(x, 'totalWithVat') < 0.8);
  });
});

describe('the amount due, checked against the total and what was paid', () => {
  it('reads a prepayment printed as a negative amount and checks the due against it (de)', () => {
    const x = read(`Rechnung Nr. 471102 vom 05.06.2024
Rechnungssumme ohne USt.   193,77
Steuerbetrag   21,30
Bruttosumme   215,07
Erhaltene Anzahlungen   -50,00
Zahlbetrag   165,07`);
    assert.equal(value(x, 'amountDue'), '165.07');
    assert.ok(confidence(x, 'amountDue') >= 0.9);
    assert.ok(!x.warnings.some((w) => w.code === 'totals_mismatch'), JSON.stringify(x.warnings));
  });

  it('checks a balance below the total by the payment printed as their difference (fr)', () => {
    const x = read(`Facture FA-2024-0010
Date de facture   13/11/2024
Total HT   624,90 €
Total taxes   46,25 €
Total TTC   671,15 €
Règlement   Date   Montant
Solde à payer   470,15 €
Virement   05/11/2024   201,00 €`);
    assert.equal(value(x, 'totalVat'), '46.25');
    assert.equal(value(x, 'totalWithVat'), '671.15');
    assert.equal(value(x, 'amountDue'), '470.15');
    assert.ok(confidence(x, 'amountDue') >= 0.9);
  });

  it('takes the total as due when the prepayment printed is 0,00 (nl)', () => {
    const x = read(`Factuur 2024-31
Factuurdatum: 03-04-2024
Totaal excl. btw   100,00
Totaal btw   21,00
Totaal incl. btw   121,00
Reeds betaald   0,00`);
    assert.equal(value(x, 'amountDue'), '121.00');
  });

  it('flags the total as due when a prepayment was read that nothing confirms (en)', () => {
    const x = read(`Invoice number: 55
Date: 03/04/2024
Total excl. VAT   100.00
Total VAT   21.00
Total incl. VAT   121.00
Paid   30.00`);
    assert.equal(value(x, 'amountDue'), '121.00');
    assert.ok(confidence(x, 'amountDue') < 0.8);
  });

  it('is sure of a due taken from checked totals with nothing prepaid or due printed (en)', () => {
    const x = read(`Invoice number: 56
Date: 03/04/2024
Total excl. VAT   100.00
Total VAT   21.00
Total incl. VAT   121.00`);
    assert.equal(value(x, 'amountDue'), '121.00');
    assert.ok(confidence(x, 'amountDue') >= 0.8);
  });
});

describe('the seller from its evidence', () => {
  it('takes a name printed over two lines whole, and flags it (de)', () => {
    const x = read(`MVM Musterhafter
Versicherungsverein Musterstadt a.G.

Herrn
Max Mustermann
Beitragsrechnung Nr. 00.123.456.7   11. März 2024`);
    assert.equal(value(x, 'sellerName'), 'MVM Musterhafter Versicherungsverein Musterstadt a.G.');
    assert.ok(confidence(x, 'sellerName') < 0.8);
  });

  it('takes the owner of the seller VAT id when another company is named in the seller block, flagged (de)', () => {
    const x = read(`Lieferant   Käufer   RECHNUNG
KOSTENLIEFERANT GMBH   KUNDE GMBH
Beleg-Nr   : R-1
Beleg-Datum   : 06.08.2024

Summe   10,00
MUSTERLIEFERANT GMBH   Geschäftsführung:   USt-IdNr: DE123456789   HRB Nr. 372876`);
    assert.equal(value(x, 'sellerName'), 'MUSTERLIEFERANT GMBH', 'the VAT id names the taxable seller');
    assert.ok(confidence(x, 'sellerName') < 0.8, 'two companies: a person must choose');
  });

  it('names the seller from the block of its VAT id, even one whose check digits fail (de)', () => {
    const x = read(`RECHNUNG
Rechnungsnummer: 311
Datum: 14.03.2024
Gesamtbetrag   12,50 EUR


Eckladen
Hauptstraße 12, Leeds
USt-IdNr.: DE123456789`);
    assert.equal(value(x, 'sellerName'), 'Eckladen');
    assert.ok(x.warnings.some((w) => w.code === 'invalid_vat_id'));
  });

  it('reads "Ihre USt-IdentNr." as the buyer\'s VAT id (de)', () => {
    const x = read(`Muster GmbH
Rechnung Nr. 12 vom 01.02.2024
Ihr Zeichen: AB-312   Ihre USt.-IdentNr.: DE136695976
USt.-Identnr.:   DE123456789`);
    assert.equal(value(x, 'buyerVatId'), 'DE136695976');
    assert.equal(value(x, 'sellerVatId'), 'DE123456789');
  });

  it('keeps a labelled VAT id failing its check digits unsure when it comes from OCR (de)', () => {
    const x = read(`Muster GmbH
Rechnung Nr. 12 vom 01.02.2024
USt-IdNr.: DE123456789`, 'ocr');
    assert.equal(value(x, 'sellerVatId'), 'DE123456789');
    assert.ok(confidence(x, 'sellerVatId') < 0.8);
  });
});
