import { PDFDocument, StandardFonts } from 'pdf-lib';

/** A one-page text PDF with these lines, top to bottom: an invoice as an accounting package prints it. */
export async function textPdf(lines: string[]): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595, 842]);
  lines.forEach((line, i) => page.drawText(line, { x: 50, y: 780 - i * 16, size: 10, font }));
  return Buffer.from(await doc.save());
}

export interface SampleInvoice { lines: string[]; expect: { type: string; number: string; date: string; counterparty: string; amount: string; currency: string } }

/**
 * A supplier's invoice and credit note in each language, as a company receives them. A credit
 * note's amounts are printed (and read) positive, as in EN 16931: its type says money comes back.
 */
export const SAMPLE_INVOICES: Record<'nl' | 'fr' | 'de' | 'en', [SampleInvoice, SampleInvoice]> = {
  nl: [
    { lines: ['Bakkerij Janssens BV', 'Kerkstraat 12, 2000 Antwerpen', '', 'FACTUUR', 'Factuurnummer: F-2024-031', 'Factuurdatum: 05/03/2024', '',
      'Totaal excl. btw 200,00 EUR', 'Btw 21% 42,00 EUR', 'Totaal incl. btw 242,00 EUR'],
    expect: { type: 'purchase_invoice', number: 'F-2024-031', date: '2024-03-05', counterparty: 'Bakkerij Janssens BV', amount: '242.00', currency: 'EUR' } },
    { lines: ['Bakkerij Janssens BV', 'Kerkstraat 12, 2000 Antwerpen', '', 'CREDITNOTA', 'Creditnotanummer: C-2024-004', 'Datum: 08/03/2024', '',
      'Totaal excl. btw 20,00 EUR', 'Btw 21% 4,20 EUR', 'Totaal incl. btw 24,20 EUR'],
    expect: { type: 'purchase_credit_note', number: 'C-2024-004', date: '2024-03-08', counterparty: 'Bakkerij Janssens BV', amount: '24.20', currency: 'EUR' } },
  ],
  fr: [
    { lines: ['Imprimerie Lemaire SARL', '8 rue des Lilas, 69003 Lyon', '', 'FACTURE', 'Numéro de facture : FA-2024-112', 'Date de facture : 12/03/2024', '',
      'Total HT 50,00 EUR', 'TVA 20 % 10,00 EUR', 'Total TTC 60,00 EUR'],
    expect: { type: 'purchase_invoice', number: 'FA-2024-112', date: '2024-03-12', counterparty: 'Imprimerie Lemaire SARL', amount: '60.00', currency: 'EUR' } },
    { lines: ['Imprimerie Lemaire SARL', '8 rue des Lilas, 69003 Lyon', '', 'AVOIR', 'Numéro d\'avoir : AV-2024-007', 'Date de l\'avoir : 15/03/2024', '',
      'Total HT 10,00 EUR', 'TVA 20 % 2,00 EUR', 'Total TTC 12,00 EUR'],
    expect: { type: 'purchase_credit_note', number: 'AV-2024-007', date: '2024-03-15', counterparty: 'Imprimerie Lemaire SARL', amount: '12.00', currency: 'EUR' } },
  ],
  de: [
    { lines: ['Muster Bürobedarf GmbH', 'Hauptstraße 5, 10115 Berlin', '', 'RECHNUNG', 'Rechnungsnummer: RE-2024-0815', 'Rechnungsdatum: 14.03.2024', '',
      'Nettobetrag 100,00 EUR', 'MwSt. 19 % 19,00 EUR', 'Gesamtbetrag 119,00 EUR'],
    expect: { type: 'purchase_invoice', number: 'RE-2024-0815', date: '2024-03-14', counterparty: 'Muster Bürobedarf GmbH', amount: '119.00', currency: 'EUR' } },
    { lines: ['Muster Bürobedarf GmbH', 'Hauptstraße 5, 10115 Berlin', '', 'GUTSCHRIFT', 'Gutschriftsnummer: GS-2024-019', 'Datum: 18.03.2024', '',
      'Nettobetrag 10,00 EUR', 'MwSt. 19 % 1,90 EUR', 'Gesamtbetrag 11,90 EUR'],
    expect: { type: 'purchase_credit_note', number: 'GS-2024-019', date: '2024-03-18', counterparty: 'Muster Bürobedarf GmbH', amount: '11.90', currency: 'EUR' } },
  ],
  en: [
    { lines: ['Northwind Supplies Ltd', '4 Mill Lane, Leeds LS1 4AB', '', 'INVOICE', 'Invoice number: INV-7781', 'Invoice date: 21/03/2024', '',
      'Subtotal 80.00 GBP', 'VAT 20% 16.00 GBP', 'Total 96.00 GBP'],
    expect: { type: 'purchase_invoice', number: 'INV-7781', date: '2024-03-21', counterparty: 'Northwind Supplies Ltd', amount: '96.00', currency: 'GBP' } },
    { lines: ['Northwind Supplies Ltd', '4 Mill Lane, Leeds LS1 4AB', '', 'CREDIT NOTE', 'Credit note number: CN-0042', 'Credit note date: 25/03/2024', '',
      'Subtotal 8.00 GBP', 'VAT 20% 1.60 GBP', 'Total 9.60 GBP'],
    expect: { type: 'purchase_credit_note', number: 'CN-0042', date: '2024-03-25', counterparty: 'Northwind Supplies Ltd', amount: '9.60', currency: 'GBP' } },
  ],
};
