// Text invoices as PDFs, in the four languages we read, with the values a reader must find.
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { seededRandom } from '../../src/sandbox/kit/random.js';

export interface BenchInvoice {
  language: 'nld' | 'fra' | 'deu' | 'eng';
  pdf: Buffer;
  /** Values that must appear in the text exactly as written. */
  expected: { number: string; date: string; total: string; vatId: string };
}

const WORDS = {
  nld: { title: 'FACTUUR', number: 'Factuurnummer', date: 'Factuurdatum', vat: 'BTW-nummer', total: 'Totaal te betalen', line: 'Boekhouding kwartaal', tax: 'BTW 21%' },
  fra: { title: 'FACTURE', number: 'Numéro de facture', date: 'Date de facture', vat: 'N° TVA', total: 'Total TTC', line: 'Comptabilité trimestre', tax: 'TVA 21%' },
  deu: { title: 'RECHNUNG', number: 'Rechnungsnummer', date: 'Rechnungsdatum', vat: 'USt-IdNr.', total: 'Gesamtbetrag', line: 'Buchhaltung Quartal', tax: 'MwSt. 19%' },
  eng: { title: 'INVOICE', number: 'Invoice number', date: 'Invoice date', vat: 'VAT number', total: 'Total due', line: 'Bookkeeping quarter', tax: 'VAT 20%' },
} as const;
const VAT_IDS = { nld: 'BE0403170701', fra: 'FR40303265045', deu: 'DE136695976', eng: 'GB980780684' } as const;

const money = (cents: number, sep: ',' | '.'): string => {
  const [whole, frac] = (cents / 100).toFixed(2).split('.');
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, sep === ',' ? '.' : ',');
  return `${grouped}${sep}${frac}`;
};

export async function benchInvoice(language: BenchInvoice['language'], seed: number): Promise<BenchInvoice> {
  const random = seededRandom(seed);
  const w = WORDS[language];
  const number = `${language.toUpperCase()}-2026-${String(Math.floor(random() * 90000) + 10000)}`;
  const day = 1 + Math.floor(random() * 28), month = 1 + Math.floor(random() * 12);
  const date = language === 'eng' ? `2026-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
    : `${String(day).padStart(2, '0')}${language === 'deu' ? '.' : '/'}${String(month).padStart(2, '0')}${language === 'deu' ? '.' : '/'}2026`;
  const net = 10_000 + Math.floor(random() * 400_000);
  const tax = Math.round(net * 0.21);
  const sep = language === 'eng' ? '.' : ',';
  const total = money(net + tax, sep);
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const page = doc.addPage([595.28, 841.89]);
  const lines: Array<[string, number, boolean]> = [
    ['Acme Accounting Services', 14, true], ['Rue de la Loi 16, 1000 Brussel', 10, false], [`${w.vat}: ${VAT_IDS[language]}`, 10, false], ['', 10, false],
    [w.title, 18, true], [`${w.number}: ${number}`, 11, false], [`${w.date}: ${date}`, 11, false], ['', 10, false],
    [`${w.line} ${1 + Math.floor(random() * 4)}    ${money(net, sep)}`, 11, false], [`${w.tax}    ${money(tax, sep)}`, 11, false], ['', 10, false],
    [`${w.total}: EUR ${total}`, 12, true],
  ];
  let y = 780;
  for (const [text, size, isBold] of lines) {
    if (text) page.drawText(text, { x: 60, y, size, font: isBold ? bold : font });
    y -= size + 10;
  }
  return { language, pdf: Buffer.from(await doc.save()), expected: { number, date, total, vatId: VAT_IDS[language] } };
}
