import { PDFDocument, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import type { Language } from '../../src/domain/documents.js';
import type { Extraction } from '../../src/extract/index.js';
import { formatAmount, formatDate, winAnsi, WORDS, type Words } from './formats.js';

/**
 * Renders an invoice (the fields and lines a structured reader found) as a text PDF, the way
 * accounting packages print them, in one of four languages and three layouts:
 *   letterhead   seller block on top, meta as label-left/value-right rows, totals the same way
 *   table        title first, meta as a header row over a value row, totals as a table
 *   window       buyer block first (for a window envelope), labels over their values,
 *                the seller only in the footer line, "label: value" totals
 */

export const LAYOUTS = ['letterhead', 'table', 'window'] as const;
export type Layout = (typeof LAYOUTS)[number];

export interface InvoiceView {
  fields: Extraction['fields'];
  lines: Extraction['lines'];
  vatBreakdown: Extraction['vatBreakdown'];
}

export const SIZE = 9.5;
export const LEFT = 50;
const TOP = 800;
const ROW = 14;

/** A page flow: rows written top-down, a new page when the bottom margin is reached. */
export class Canvas {
  y = TOP;
  private page: PDFPage;
  constructor(private readonly doc: PDFDocument, private readonly font: PDFFont, private readonly bold: PDFFont) {
    this.page = doc.addPage([595, 842]);
  }
  text(x: number, text: string, opts: { bold?: boolean; size?: number; right?: boolean } = {}): void {
    const font = opts.bold ? this.bold : this.font;
    const size = opts.size ?? SIZE;
    const safe = winAnsi(text);
    const at = opts.right ? x - font.widthOfTextAtSize(safe, size) : x;
    this.page.drawText(safe, { x: at, y: this.y, size, font });
  }
  row(cells: Array<[number, string, boolean?]>, opts: { bold?: boolean } = {}): void {
    for (const [x, text, right] of cells) if (text) this.text(x, text, { bold: opts.bold, right });
    this.down();
  }
  down(n = 1): void {
    this.y -= ROW * n;
    if (this.y < 60) this.newPage();
  }
  newPage(): void {
    this.page = this.doc.addPage([595, 842]);
    this.y = TOP;
  }
  /** How many more rows fit on this page. */
  rowsLeft(): number {
    return Math.floor((this.y - 60) / ROW);
  }
}

/** A new PDF of fixed dates (the same bytes for the same input) and its page flow in Helvetica. */
export async function newCanvas(): Promise<{ doc: PDFDocument; c: Canvas }> {
  const doc = await PDFDocument.create();
  doc.setCreationDate(new Date('2024-01-01T00:00:00Z'));
  doc.setModificationDate(new Date('2024-01-01T00:00:00Z'));
  return { doc, c: new Canvas(doc, await doc.embedFont(StandardFonts.Helvetica), await doc.embedFont(StandardFonts.HelveticaBold)) };
}

export async function renderInvoicePdf(inv: InvoiceView, lang: Language, layout: Layout, seed: number): Promise<Uint8Array> {
  const { doc, c } = await newCanvas();
  const w = WORDS[lang];
  const style = (seed % 2) as 0 | 1;
  const f = inv.fields;
  const money = (v: string | undefined) => (v === undefined ? '' : formatAmount(v, f.currency?.value, lang, style));
  const date = (v: string | undefined) => (v === undefined ? '' : formatDate(v, lang, style));
  const title = f.documentType?.value === 'credit_note' ? w.creditNote : w.invoice;
  const meta: Array<[string, string]> = [
    [w.number, f.number?.value ?? ''], [w.date, date(f.issueDate?.value)], [w.dueDate, date(f.dueDate?.value)],
  ].filter(([, v]) => v !== '') as Array<[string, string]>;
  const seller = party(f.sellerName?.value, f.sellerVatId?.value, w.vat, seed);
  const buyer = party(f.buyerName?.value, f.buyerVatId?.value, w.buyerVat, seed + 7);
  const totals: Array<[string, string]> = [
    [w.net, money(f.totalWithoutVat?.value)], [w.vatTotal, money(f.totalVat?.value)], [w.gross, money(f.totalWithVat?.value)],
    [w.prepaid, money(f.prepaidAmount?.value)], [w.due, money(f.amountDue?.value)],
  ].filter(([, v]) => v !== '') as Array<[string, string]>;
  const payment: Array<[string, string]> = [[w.iban, f.iban?.value ?? ''], [w.reference, f.paymentReference?.value ?? '']]
    .filter(([, v]) => v !== '') as Array<[string, string]>;

  if (layout === 'letterhead') {
    seller.forEach((l, i) => c.row([[LEFT, l]], { bold: i === 0 }));
    c.down();
    c.row([[LEFT, title]], { bold: true });
    for (const [label, value] of meta) c.row([[LEFT, label], [200, value]]);
    c.down();
    c.row([[LEFT, `${w.buyer}:`]], { bold: true });
    for (const l of buyer) c.row([[LEFT, l]]);
    c.down();
    lines(c, inv, w, money);
    for (const [label, value] of totals) c.row([[330, label], [545, value, true]]);
    c.down();
    for (const [label, value] of payment) c.row([[LEFT, label], [200, value]]);
  } else if (layout === 'table') {
    c.row([[LEFT, title]], { bold: true });
    c.down();
    c.row(meta.map(([label], i) => [LEFT + i * 170, label] as [number, string]), { bold: true });
    c.row(meta.map(([, value], i) => [LEFT + i * 170, value] as [number, string]));
    c.down();
    c.row([[LEFT, w.seller]], { bold: true });
    for (const l of seller) c.row([[LEFT, l]]);
    c.down();
    c.row([[LEFT, w.buyer]], { bold: true });
    for (const l of buyer) c.row([[LEFT, l]]);
    c.down();
    lines(c, inv, w, money);
    c.row(totals.map(([label], i) => [LEFT + i * 100, label] as [number, string]), { bold: true });
    c.row(totals.map(([, value], i) => [LEFT + i * 100, value] as [number, string]));
    c.down();
    c.row(payment.map(([label, value], i) => [LEFT + i * 250, `${label}: ${value}`] as [number, string]));
  } else {
    c.row([[LEFT, `${w.buyer}:`]], { bold: true });
    for (const l of buyer) c.row([[LEFT, l]]);
    c.down(2);
    c.row([[LEFT, title]], { bold: true, });
    for (const [label, value] of meta) { c.row([[LEFT, label]], { bold: true }); c.row([[LEFT, value]]); }
    c.down();
    lines(c, inv, w, money);
    for (const [label, value] of totals) c.row([[300, `${label}: ${value}`]]);
    c.down();
    for (const [label, value] of payment) c.row([[LEFT, `${label}: ${value}`]]);
    c.down();
    c.row([[LEFT, seller.join(' · ')]], { bold: false });
  }
  return doc.save({ useObjectStreams: false });
}

export function lines(c: Canvas, inv: InvoiceView, w: Words, money: (v: string | undefined) => string): void {
  c.row([[LEFT, w.description], [330, w.quantity, true], [440, w.price, true], [545, w.amount, true]], { bold: true });
  for (const line of inv.lines.slice(0, 40)) {
    const name = (line.name ?? line.description ?? '').slice(0, 45);
    c.row([[LEFT, name], [330, line.quantity ?? '', true], [440, money(line.unitPrice ?? undefined), true], [545, money(line.netAmount ?? undefined), true]]);
  }
  c.down();
  for (const b of inv.vatBreakdown) {
    c.row([[330, `${w.vatRow} ${b.rate ?? '0'}%`], [440, money(b.taxableAmount ?? undefined), true], [545, money(b.taxAmount ?? undefined), true]]);
  }
  c.down();
}

const STREETS = ['Kerkstraat 12', 'Rue de la Loi 155', 'Hauptstraße 3', 'High Street 88', 'Stationsplein 1', 'Avenue Louise 54'];
const TOWNS = ['1000 Brussel', '75008 Paris', '10115 Berlin', 'London EC1A 1BB', '3511 CE Utrecht', '4000 Liège'];

/** A party block: name, an address made up from the seed (the XML's own is not a field), VAT id. */
export function party(name: string | undefined, vatId: string | undefined, vatLabel: string, seed: number): string[] {
  return [name ?? '', STREETS[seed % STREETS.length]!, TOWNS[(seed * 7) % TOWNS.length]!, vatId ? `${vatLabel}: ${vatId}` : '']
    .filter((l) => l !== '');
}
