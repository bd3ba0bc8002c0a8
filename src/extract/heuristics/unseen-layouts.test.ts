import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Extraction } from '../types.js';
import type { PageText } from '../text/page-text.js';
import { readFieldsFromText } from './read-fields.js';

/**
 * Rules for layouts the reader was never tuned on (docs/extract.md, "Invoices of other
 * producers"): small made-up invoices in nl, fr, de and en, each showing one way other
 * producers print what our templates print differently.
 */
const read = (...pages: string[]): Extraction =>
  readFieldsFromText(pages.map((text, i): PageText => ({ page: i + 1, text })), 'pdf-text');
const value = (x: Extraction, name: keyof Extraction['fields']): unknown => x.fields[name]?.value;

describe('the seller, from evidence rather than the nearest label', () => {
  it('skips a "Globale Nummer: ..." line in the seller block for the line with a legal form (de)', () => {
    const x = read(`Verkäufer:
Globale Nummer: 4000001123452 (GTIN)
Müller Werkzeuge GmbH
Hauptstraße 5
80331 München
USt-IdNr.: DE136695976

Käufer/Leistungsempfänger:
Nummer   : K-2201
Bäckerei Brot AG
Rechnung Nr. 2024-311 vom 04.03.2024
Gesamtbetrag   119,00 EUR`);
    assert.equal(value(x, 'sellerName'), 'Müller Werkzeuge GmbH');
    assert.notEqual(value(x, 'buyerName'), '/Leistungsempfänger');
  });

  it('takes a one-line letterhead up to its first separator (fr)', () => {
    const x = read(`Au four à bois SARL - 12 rue des Lilas - 75011 Paris - France
TVA : FR40303265045 - SIRET : 30326504500019
Facture F-2024-88
Date de facture   03/02/2024
Total TTC   120,00 €`);
    assert.equal(value(x, 'sellerName'), 'Au four à bois SARL');
  });

  it('never takes a heading word, a label: value line, an address or one or two letters (en)', () => {
    const x = read(`Issuer
a
Number: 5521
Brightwater Ltd
12 Harbour Road
INVOICE
Invoice number: INV-77
Invoice date: 14/03/2024
Total: 50.00 GBP`);
    assert.equal(value(x, 'sellerName'), 'Brightwater Ltd');
  });

  it('reads the name in the footer block that holds the seller VAT id and IBAN (nl)', () => {
    const x = read(`FACTUUR
Factuurnummer: 2024-0042
Factuurdatum: 14-03-2024
Omschrijving   Bedrag
Kisten appels   100,00
Totaal excl. btw   100,00
Totaal btw   21,00
Totaal incl. btw   121,00

Fruithandel De Boomgaard BV
Kerkstraat 12, 1000 Brussel
BTW BE0417.497.106   IBAN BE68 5390 0754 7034`);
    assert.equal(value(x, 'sellerName'), 'Fruithandel De Boomgaard BV');
  });
});

describe('identifiers told apart by their checked formats', () => {
  it('takes the USt-IdNr., not the Steuernummer printed above it (de)', () => {
    const x = read(`Muster Handel GmbH
Steuernummer : 201/113/40209
USt.-Id.-Nr. : DE136695976
Rechnungsnummer: 4711
Rechnungsdatum: 05.03.2024
Gesamtbetrag   119,00`);
    assert.equal(value(x, 'sellerVatId'), 'DE136695976');
  });

  it('reads no amount out of a VAT id with dots (nl)', () => {
    const x = read(`Fruithandel De Boomgaard BV
BTW   BE0417.497.106
FACTUUR
Factuurnummer: 88
Factuurdatum: 14-03-2024
Totaal excl. btw   100,00
Totaal incl. btw   121,00`);
    assert.equal(value(x, 'sellerVatId'), 'BE0417497106');
    assert.notEqual(value(x, 'totalVat'), '106.00');
    assert.equal(value(x, 'totalWithVat'), '121.00');
  });

  it('reads an IBAN whose country letters look like a label word (fr)', () => {
    const x = read(`Facture n° 12
IBAN   : DE89370400440532013000
Total TTC   10,00 €`);
    assert.equal(value(x, 'iban'), 'DE89370400440532013000');
  });
});

describe('invoice numbers and dates', () => {
  it('cuts the number at "von" and its date (de)', () => {
    const x = read(`Rechnungsnummer: RE-2024/506 von 12.03.2024
Gesamtbetrag   50,00`);
    assert.equal(value(x, 'number'), 'RE-2024/506');
  });

  it('reads number and date from a heading "Handelsrechnung Nr. X vom ..." (de)', () => {
    const x = read(`Stylesheet zur Darstellung, Version vom 01.01.2019
Handelsrechnung Nr. 471199 vom 05.03.2024
Liefer- und Leistungsdatum   : 04.03.2024
Zahlbetrag   119,00`);
    assert.equal(value(x, 'number'), '471199');
    assert.equal(value(x, 'issueDate'), '2024-03-05');
  });

  it('reads a heading "Facture n° ... du ..." (fr)', () => {
    const x = read(`Facture n° F-2024-88 du 03/02/2024
Total TTC   120,00 €`);
    assert.equal(value(x, 'number'), 'F-2024-88');
    assert.equal(value(x, 'issueDate'), '2024-02-03');
  });

  it('prefers the labelled invoice date over a delivery date printed first (en)', () => {
    const x = read(`Delivery date: 02/03/2024
Invoice number: 9
Invoice date: 04/03/2024
Total: 12.00 EUR`);
    assert.equal(value(x, 'issueDate'), '2024-03-04');
  });

  it('without a label, passes over a version or delivery line for the first other date (nl)', () => {
    const x = read(`Sjabloon version 3 van 01-01-2019
Levering 02-03-2024
Kapsalon Lisa
14-03-2024
Totaal   40,00`);
    assert.equal(value(x, 'issueDate'), '2024-03-14');
  });

  it('reads slashed dates month first when another date of the document can only be month first (en)', () => {
    const x = read(`Invoice FA-2017-0008
Invoice Date   11/03/2017
Payment   11/17/2017   623.00 €
Total   2,076.76 €`);
    assert.equal(value(x, 'issueDate'), '2017-11-03');
  });
});

describe('totals', () => {
  it('reads the totals of a multi-page invoice on its last page (en)', () => {
    const x = read(`Riverside Ltd
INVOICE
Invoice number: R-1
Invoice date: 01/02/2024
Widgets   1   40.00`, `Page 2
Gadgets   1   60.00
Total excl. VAT   100.00
Total VAT   20.00
Total incl. VAT   120.00`);
    assert.equal(value(x, 'totalWithVat'), '120.00');
    assert.equal(x.fields.totalWithVat?.provenance.kind === 'text' && x.fields.totalWithVat.provenance.page, 2);
  });

  it('does not take a negative correction row for the total (de)', () => {
    const x = read(`Rechnung 12
Gesamtbetrag der Abschläge   -14,73
Gesamtbetrag   235,62`);
    assert.equal(value(x, 'totalWithVat'), '235.62');
  });

  it('finds the total as the printed sum of net and VAT when its label is unknown, and is sure of it (en)', () => {
    const x = read(`Invoice number: 3
Net total   100.00
VAT total   21.00
Please remit   121.00`);
    assert.equal(value(x, 'totalWithVat'), '121.00');
    assert.ok((x.fields.totalWithVat?.confidence ?? 0) >= 0.9);
  });

  it('reads a total whose label has a bracketed note (de)', () => {
    const x = read(`Rechnungssumme Netto (excl. USt.)   473,00
Rechnungssumme Brutto (inkl. USt.)   529,87`);
    assert.equal(value(x, 'totalWithVat'), '529.87');
  });

  it('reads a long total label that the text layer glued to a footer ending in a digit (de)', () => {
    const x = read(`Rechnung 7
Musterbeispiel, Copyright 2014Rechnungssumme Brutto   529,87`);
    assert.equal(value(x, 'totalWithVat'), '529.87');
  });
});

describe('credit notes', () => {
  for (const [lang, title] of [['fr', 'AVOIR'], ['de', 'GUTSCHRIFT'], ['nl', 'CREDITNOTA'], ['en', 'CREDIT NOTE']] as const) {
    it(`types a document titled ${title} as a credit note (${lang})`, () => {
      assert.equal(value(read(`${title}\nNr 5\nTotal   -233,47`), 'documentType'), 'credit_note');
    });
  }

  it('gives a credit note its totals as positive amounts (fr)', () => {
    const x = read(`AVOIR AV-2024-5
Total HT   -194,56 €
Total TVA   -38,91 €
Total TTC   -233,47 €`);
    assert.equal(value(x, 'totalWithVat'), '233.47');
  });

  it('keeps a Rechnungskorrektur (a corrected invoice) an invoice (de)', () => {
    assert.equal(value(read('RECHNUNGSKORREKTUR\nRechnungsnummer: RK-1\nGesamtbetrag   -8,79'), 'documentType'), 'invoice');
  });
});

describe('the issue date on a title line', () => {
  it('reads the one date of a title line that starts with a document word, as a heading (de)', () => {
    const x = read(`Versicherungsbüro Muster
Liefertermin 02.01.2024
Beitragsrechnung   24. Januar 2024
Gesamtbeitrag   50,00 €`);
    assert.equal(value(x, 'issueDate'), '2024-01-24');
    assert.ok(x.fields.issueDate!.confidence >= 0.8);
  });
});
