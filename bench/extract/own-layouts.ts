import { LANGUAGES, type Language } from '../../src/domain/documents.js';
import { formatAmount, formatDate, WORDS } from './formats.js';
import { closeOcr, extractDocument } from '../../src/extract/index.js';
import { makeScan } from '../ocr/scans.js';
import { loadFixtures, type Expected, type FixtureInvoice } from './labelled-set.js';
import { newCanvas, LEFT, lines, party, type InvoiceView } from './render.js';
import { accuracyTable, calibrationTable, mergeScores, scoreSource, type KindScore, type LabelledCase, type Reader } from './score.js';

/**
 * Layouts the reader was never tuned on, drawn the way other packages print invoices, with the
 * distractors real invoices carry. Their figures count as held out only while nobody tunes the
 * reader on them: `npm run bench:extract -- --own-layouts` reports them apart.
 *   logo-footer  a short brand in large letters on top; the legal name, VAT id, IBAN, a tax or
 *                company number only in the footer; order and delivery dates beside the invoice date
 *   two-column   the seller block on the left, the invoice's label/value block on the same lines
 *                to the right, so each text line holds both
 *   multi-page   a delivery list first, the lines over a page break with a carried-forward
 *                subtotal, the totals on the last page, "page 1 of 2" headers
 *   credit-note  a credit note referring to the invoice it corrects (its number and date)
 *   receipt      a till receipt: narrow, no buyer, no IBAN, no due date, paid by card
 */

export const OWN_LAYOUTS = ['logo-footer', 'two-column', 'multi-page', 'credit-note', 'receipt'] as const;
export type OwnLayout = (typeof OWN_LAYOUTS)[number];

interface More {
  orderDate: string; deliveryDate: string; customerNo: string; page: (p: number, n: number) => string; carried: string;
  delivery: string; relatesTo: (n: string, d: string) => string; receipt: string; paidByCard: string; phone: string;
  /** A registration line that is not a VAT id: a tax number, a company number. */
  register: string;
}

const MORE: Record<Language, More> = {
  nl: { orderDate: 'Besteldatum', deliveryDate: 'Leverdatum', customerNo: 'Klantnummer', page: (p, n) => `Pagina ${p} van ${n}`, carried: 'Over te dragen',
    delivery: 'Leverbon', relatesTo: (n, d) => `Betreft factuur ${n} van ${d}`, receipt: 'Kasticket', paidByCard: 'Betaald met Bancontact', phone: 'Tel.',
    register: 'KvK 24123456, Handelsregister Rotterdam' },
  fr: { orderDate: 'Date de commande', deliveryDate: 'Date de livraison', customerNo: 'N° client', page: (p, n) => `Page ${p} sur ${n}`, carried: 'A reporter',
    delivery: 'Bon de livraison', relatesTo: (n, d) => `Concerne la facture ${n} du ${d}`, receipt: 'Ticket de caisse', paidByCard: 'Payé par carte', phone: 'Tél.',
    register: 'RCS Paris B 552 100 554 - SIRET 552 100 554 00013' },
  de: { orderDate: 'Bestelldatum', deliveryDate: 'Lieferdatum', customerNo: 'Kundennummer', page: (p, n) => `Seite ${p} von ${n}`, carried: 'Übertrag',
    delivery: 'Lieferschein', relatesTo: (n, d) => `Bezug: Rechnung ${n} vom ${d}`, receipt: 'Kassenbeleg', paidByCard: 'Bezahlt mit Karte', phone: 'Tel.',
    register: 'Amtsgericht München HRB 123456, Steuernummer 143/215/50387' },
  en: { orderDate: 'Order date', deliveryDate: 'Delivery date', customerNo: 'Customer no.', page: (p, n) => `Page ${p} of ${n}`, carried: 'Carried forward',
    delivery: 'Delivery note', relatesTo: (n, d) => `Relates to invoice ${n} of ${d}`, receipt: 'Receipt', paidByCard: 'Paid by card', phone: 'Tel.',
    register: 'Registered in England and Wales, company no. 09876543' },
};

const shift = (iso: string, days: number): string => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const sum = (values: Array<string | null | undefined>): string => values.reduce((n, v) => n + Number(v ?? 0), 0).toFixed(2);

export async function renderOwnLayout(inv: InvoiceView, lang: Language, layout: OwnLayout, seed: number): Promise<Uint8Array> {
  const { doc, c } = await newCanvas();
  const w = WORDS[lang], m = MORE[lang];
  const style = (seed % 2) as 0 | 1;
  const f = inv.fields;
  const money = (v: string | undefined) => (v === undefined ? '' : formatAmount(v, f.currency?.value, lang, style));
  const date = (v: string | undefined) => (v === undefined ? '' : formatDate(v, lang, style));
  const issued = f.issueDate?.value ?? '2024-01-15';
  const sellerName = f.sellerName?.value ?? '';
  const seller = party(sellerName, f.sellerVatId?.value, w.vat, seed);
  const buyer = party(f.buyerName?.value, f.buyerVatId?.value, w.buyerVat, seed + 7);
  const totals = ([[w.net, f.totalWithoutVat?.value], [w.vatTotal, f.totalVat?.value], [w.gross, f.totalWithVat?.value],
    [w.prepaid, f.prepaidAmount?.value], [w.due, f.amountDue?.value]] as Array<[string, string | undefined]>)
    .filter(([, v]) => v !== undefined).map(([label, v]) => [label, money(v)] as [string, string]);
  const meta = ([[w.number, f.number?.value], [w.date, date(f.issueDate?.value)], [w.dueDate, date(f.dueDate?.value)]] as Array<[string, string | undefined]>)
    .filter(([, v]) => v) as Array<[string, string]>;
  const title = f.documentType?.value === 'credit_note' ? w.creditNote : w.invoice;
  const footer = [sellerName, ...seller.slice(1), f.iban ? `${w.iban} ${f.iban.value}` : '', m.register].filter(Boolean);

  switch (layout) {
    case 'logo-footer': {
      // The brand: the name's first word that is not an article, as logos do.
      const brand = sellerName.split(/\s+/).find((word) => !/^(the|de|het|le|la|les|die|der|das)$/i.test(word)) ?? sellerName;
      c.text(545, brand.toUpperCase(), { bold: true, size: 20, right: true });
      c.down(2);
      c.row([[545, `${m.phone} +32 9 555 01 ${String(10 + (seed % 80))}`, true]]);
      c.down();
      for (const l of buyer) c.row([[LEFT, l]]);
      c.down();
      c.row([[LEFT, title]], { bold: true });
      const rows: Array<[string, string]> = [[m.customerNo, String(10_000 + seed * 37)], [m.orderDate, date(shift(issued, -12))], ...meta,
        [m.deliveryDate, date(shift(issued, -3))]];
      for (const [label, value] of rows) c.row([[LEFT, label], [180, value]]);
      c.down();
      lines(c, inv, w, money);
      for (const [label, value] of totals) c.row([[330, label], [545, value, true]]);
      c.down(2);
      footer.forEach((l) => c.row([[LEFT, l]]));
      break;
    }
    case 'two-column': {
      const right = [[title, ''] as [string, string], ...meta, [m.customerNo, String(20_000 + seed)] as [string, string]];
      const left = [...seller, '', `${w.buyer}:`, ...buyer];
      for (let i = 0; i < Math.max(left.length, right.length); i++) {
        const [label, value] = right[i] ?? ['', ''];
        c.row([[LEFT, left[i] ?? ''], [320, label], [450, value]], { bold: i === 0 });
      }
      c.down();
      lines(c, inv, w, money);
      for (const [label, value] of totals) c.row([[320, label], [545, value, true]]);
      c.down();
      if (f.iban) c.row([[LEFT, `${w.iban}: ${f.iban.value}`], [320, f.paymentReference ? `${w.reference}: ${f.paymentReference.value}` : '']]);
      break;
    }
    case 'multi-page': {
      const header = (p: number) => { c.row([[LEFT, sellerName], [545, m.page(p, 2), true]]); c.down(); };
      header(1);
      c.row([[LEFT, title]], { bold: true });
      for (const [label, value] of meta) c.row([[LEFT, label], [200, value]]);
      c.down();
      for (const l of buyer) c.row([[LEFT, l]]);
      c.down();
      c.row([[LEFT, m.delivery]], { bold: true });
      // A delivery list with quantities only: it fills the first page, so the lines run over it.
      const before = Math.max(0, c.rowsLeft() - 3 - Math.ceil(inv.lines.length / 2));
      for (let i = 0; i < before; i++) c.row([[LEFT, `${m.delivery} LS-${issued.slice(0, 4)}-${String(seed * 50 + i).padStart(5, '0')}`], [330, String(1 + (i % 4)), true]]);
      c.row([[LEFT, w.description], [330, w.quantity, true], [440, w.price, true], [545, w.amount, true]], { bold: true });
      const shown = inv.lines.slice(0, 40);
      shown.forEach((line, i) => {
        if (c.rowsLeft() <= 1) {
          c.row([[330, m.carried], [545, money(sum(shown.slice(0, i).map((l) => l.netAmount))), true]], { bold: true });
          c.newPage();
          header(2);
          c.row([[330, m.carried], [545, money(sum(shown.slice(0, i).map((l) => l.netAmount))), true]], { bold: true });
        }
        c.row([[LEFT, (line.name ?? line.description ?? '').slice(0, 45)], [330, line.quantity ?? '', true], [440, money(line.unitPrice ?? undefined), true],
          [545, money(line.netAmount ?? undefined), true]]);
      });
      c.down();
      for (const b of inv.vatBreakdown) c.row([[330, `${w.vatRow} ${b.rate ?? '0'}%`], [440, money(b.taxableAmount ?? undefined), true], [545, money(b.taxAmount ?? undefined), true]]);
      c.down();
      for (const [label, value] of totals) c.row([[330, label], [545, value, true]]);
      c.down();
      footer.forEach((l) => c.row([[LEFT, l]]));
      break;
    }
    case 'credit-note': {
      seller.forEach((l, i) => c.row([[LEFT, l]], { bold: i === 0 }));
      c.down();
      c.row([[LEFT, w.creditNote]], { bold: true });
      for (const [label, value] of meta.filter(([label]) => label !== w.dueDate)) c.row([[LEFT, label], [200, value]]);
      c.row([[LEFT, m.relatesTo(`${f.number?.value ?? ''}-0`, date(shift(issued, -30)))]]);
      c.down();
      for (const l of buyer) c.row([[LEFT, l]]);
      c.down();
      lines(c, inv, w, money);
      for (const [label, value] of totals) c.row([[330, label], [545, value, true]]);
      break;
    }
    case 'receipt': {
      const x = 200, r = 400;
      c.row([[x, sellerName]], { bold: true });
      for (const l of seller.slice(1)) c.row([[x, l]]);
      c.down();
      c.row([[x, `${m.receipt} ${f.number?.value ?? ''}`]]);
      c.row([[x, `${date(f.issueDate?.value)} 14:${String(10 + (seed % 50))}`]]);
      c.down();
      for (const line of inv.lines.slice(0, 30)) c.row([[x, `${line.quantity ?? '1'} x ${(line.name ?? line.description ?? '').slice(0, 24)}`], [r, money(line.netAmount ?? undefined), true]]);
      c.down();
      for (const b of inv.vatBreakdown) c.row([[x, `${w.vatRow} ${b.rate ?? '0'}%  ${money(b.taxableAmount ?? undefined)}`], [r, money(b.taxAmount ?? undefined), true]]);
      c.row([[x, 'TOTAL'], [r, money(f.totalWithVat?.value), true]], { bold: true });
      c.row([[x, m.paidByCard]]);
      break;
    }
  }
  return doc.save({ useObjectStreams: false });
}

/**
 * What each layout prints, and so what is scored: a credit note is one whatever it corrects; the
 * footer layouts print the IBAN but no payment reference; a receipt has no buyer, account, due
 * date or due amount (it is paid), and its VAT is printed per rate only.
 */
function expectedFor(layout: OwnLayout, given: Expected): Expected {
  // Some examples hold a placeholder ("XX") for the account: nothing a reader could find on the page.
  const { iban: account, ...others } = given;
  const e: Expected = account && /^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(account.replace(/\s/g, '')) ? given : others;
  if (layout === 'two-column') return e;
  const { iban: _iban, paymentReference: _ref, ...rest } = e;
  if (layout === 'credit-note') {
    const { dueDate: _due, ...note } = rest;
    return { ...note, documentType: 'credit_note' };
  }
  if (layout === 'receipt') {
    const { dueDate: _due, buyerVatId: _buyer, amountDue: _amountDue, totalWithoutVat: _net, ...receipt } = rest;
    return receipt;
  }
  // The other layouts print the IBAN in the footer only, and no payment reference.
  return { ...rest, ...(e.iban ? { iban: e.iban } : {}) };
}

/** Every fixture in every language and own layout, as text PDFs. */
export async function ownLayoutCases(fixtures: FixtureInvoice[]): Promise<Array<LabelledCase & { layout: OwnLayout }>> {
  const cases: Array<LabelledCase & { layout: OwnLayout }> = [];
  for (const [i, fx] of fixtures.entries()) {
    for (const [l, lang] of LANGUAGES.entries()) {
      for (const layout of OWN_LAYOUTS) {
        // A till receipt that gives money back is not a thing shops print.
        if (layout === 'receipt' && fx.expected.documentType === 'credit_note') continue;
        // A credit note states what it gives back; one of negative amounts would say it twice.
        if (layout === 'credit-note' && fx.expected.totalWithVat?.startsWith('-')) continue;
        const bytes = await renderOwnLayout(fx.extraction, lang, layout, i + l);
        cases.push({ kind: 'pdf-text', layout, name: `${fx.file} ${lang} ${layout}`, bytes, expected: expectedFor(layout, fx.expected) });
      }
    }
  }
  return cases;
}

/** Scans of some of those PDFs (200 dpi grey, JPEG, a little crooked), `perFixture` each, layouts and languages in turn. */
export async function ownLayoutScans(cases: Array<LabelledCase & { layout: OwnLayout }>, perFixture: number, seed: number): Promise<LabelledCase[]> {
  const byFixture = new Map<string, Array<LabelledCase & { layout: OwnLayout }>>();
  for (const c of cases) {
    const file = c.name.split(' ')[0]!;
    byFixture.set(file, [...(byFixture.get(file) ?? []), c]);
  }
  const scans: LabelledCase[] = [];
  let k = 0;
  for (const group of byFixture.values()) {
    for (let j = 0; j < perFixture; j++, k++) {
      const c = group[(k * 7) % group.length]!;
      scans.push({ kind: 'scan-image', name: `${c.name} jpeg`, bytes: await makeScan(c.bytes, seed + k, 'jpeg'), expected: c.expected });
    }
  }
  return scans;
}

/** `npm run bench:extract -- --own-layouts [--scans N]`: per layout, then all together; N scans per fixture. */
export async function ownLayoutsMain(opts: { scansPerFixture: number; verbose: boolean }): Promise<void> {
  const read: Reader = (bytes, name) => extractDocument({ bytes: Buffer.from(bytes), filename: name });
  const cases = await ownLayoutCases(await loadFixtures());
  const scores: KindScore[] = [];
  for (const layout of OWN_LAYOUTS) scores.push(await scoreSource(layout, cases.filter((c) => c.layout === layout), read));
  const all = mergeScores('pdf-text, all', scores);
  scores.push(all);
  if (opts.scansPerFixture > 0) {
    const scans = await ownLayoutScans(cases, opts.scansPerFixture, 7000);
    console.error(`bench:extract: reading ${scans.length} scans of the own layouts...`);
    scores.push(await scoreSource('scan (jpeg)', scans, read));
    await closeOcr();
  }
  console.log('Own layouts, never tuned on (text PDFs per layout; right / expected):\n');
  console.log(accuracyTable(scores));
  console.log(`\nCalibration of the text-PDF confidences:\n\n${calibrationTable([all])}`);
  console.log(`\n${confidenceRates(all)}`);
  for (const s of scores) for (const f of s.failures) console.log(`failed: ${f}`);
  if (opts.verbose) for (const s of scores) for (const miss of s.misses) console.log(`${s.kind}  ${miss.name}  ${miss.field}: want ${JSON.stringify(miss.want)} got ${JSON.stringify(miss.got)}`);
}

/** The issue's two confidence rates: wrong values flagged (below 0.8), right values trusted (0.8 or more). */
export function confidenceRates(s: KindScore): string {
  const wrong = s.observations.filter((o) => !o.right), right = s.observations.filter((o) => o.right);
  const share = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)}%` : '-');
  return `wrong values below 0.8: ${share(wrong.filter((o) => o.confidence < 0.8).length, wrong.length)} of ${wrong.length}; `
    + `right values at 0.8 or more: ${share(right.filter((o) => o.confidence >= 0.8).length, right.length)} of ${right.length}`;
}
