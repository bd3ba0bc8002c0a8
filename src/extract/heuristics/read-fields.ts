import type { Budget } from '../budget.js';
import type { Extraction, ExtractionWarning, Field, FieldName, FieldValues, Fields, SourceKind } from '../types.js';
import type { PageText } from '../text/page-text.js';
import { checkTotals } from '../validate/totals.js';
import { layoutOf, pageAt, type Layout } from './layout.js';
import { labelled } from './regions.js';
import { findDates, findDocumentNumber, monthFirstDates } from './values.js';
import { zonesOf, sellerName, buyerName, isTitle } from './parties.js';
import { readIdentifiers } from './identifiers.js';
import { readAmounts } from './amounts.js';
import { readCurrency, readDocumentType } from './document.js';
import { fold } from './labels.js';
import { CONFIDENCE } from './confidence.js';

/**
 * Fields from the text of a document, whoever produced the text: a PDF's text layer or OCR.
 * Labels in four languages point at values; value patterns read them; validators (VAT and
 * IBAN check digits, totals that add up) turn guesses into facts and raise their confidence,
 * and what fails them becomes a warning. Every field points at its span of Extraction.text.
 */

export type TextSource = Extract<SourceKind, 'pdf-text' | 'ocr'>;

export function readFieldsFromText(pages: PageText[], source: TextSource, budget?: Budget): Extraction {
  const layout = layoutOf(pages);
  budget?.checkTime();
  const out = new TextFields(layout, source);
  const headingDate = readNumber(layout, out);
  readDates(layout, out, headingDate);
  budget?.checkTime();
  const zones = zonesOf(layout);
  const ids = readIdentifiers(layout, zones, out);
  const seller = sellerName(layout, zones, ids.sellerLines, ids.vatLine);
  if (seller) out.set('sellerName', seller.value, seller.start, seller.end, seller.confidence);
  const buyer = buyerName(zones);
  if (buyer && buyer.value !== seller?.value) out.set('buyerName', buyer.value, buyer.start, buyer.end, buyer.confidence);
  budget?.checkTime();
  readAmounts(layout, out);
  readCurrency(layout, out);
  readDocumentType(layout, out);
  if (out.fields.documentType?.value === 'credit_note') creditNoteAmounts(out);
  return out.finish();
}

/**
 * A credit note states what it gives back as positive amounts (EN 16931 has no negative
 * credit note), however the page prints them: "-233,47" on an "Avoir" is 233.47.
 */
function creditNoteAmounts(out: TextFields): void {
  for (const name of ['totalWithoutVat', 'totalVat', 'totalWithVat', 'amountDue', 'prepaidAmount'] as const) {
    const field = out.fields[name];
    if (field?.value.startsWith('-')) field.value = field.value.slice(1);
  }
}

/** Collects fields with text provenance, scales confidence by the source, and assembles the Extraction. */
export class TextFields {
  readonly fields: Fields = {};
  readonly warnings: ExtractionWarning[] = [];

  constructor(readonly layout: Layout, readonly source: TextSource) {}

  /**
   * `proven` values (check digits passed, totals added up) keep their confidence on OCR text;
   * others are scaled by the page's OCR confidence, as a misread letter would not be caught.
   */
  set<K extends FieldName>(name: K, value: FieldValues[K], start: number, end: number, confidence: number, proven = false): void {
    if (this.fields[name]) return;
    const page = pageAt(this.layout, start);
    const ocr = this.source === 'ocr' ? (this.layout.pageConfidence.get(page) ?? 1) : 1;
    const scaled = proven ? confidence * (0.9 + 0.1 * ocr) : confidence * (this.source === 'ocr' ? 0.8 + 0.2 * ocr : 1);
    const field: Field<FieldValues[K]> = { value, confidence: round(scaled), provenance: { kind: 'text', page, start, end } };
    (this.fields as Record<FieldName, unknown>)[name] = field;
  }

  warn(code: ExtractionWarning['code'], message: string, field?: FieldName): void {
    this.warnings.push({ code, message, ...(field ? { field } : {}) });
  }

  finish(): Extraction {
    for (const name of ['number', 'issueDate', 'totalWithVat'] as const) {
      if (!this.fields[name]) this.warn('missing_field', `No ${DESCRIPTIONS[name]} was found in the text; enter it by hand.`, name);
    }
    const v = (name: 'totalWithoutVat' | 'totalVat' | 'totalWithVat' | 'amountDue' | 'prepaidAmount') => this.fields[name]?.value;
    const issues = checkTotals({
      currency: this.fields.currency?.value, totalWithoutVat: v('totalWithoutVat'), totalVat: v('totalVat'),
      totalWithVat: v('totalWithVat'), prepaidAmount: v('prepaidAmount'), amountDue: v('amountDue'),
    });
    for (const issue of issues) this.warn('totals_mismatch', `${issue.message} (as read from the text; check the amounts).`, issue.field ?? undefined);
    return {
      ok: true, source: this.source, fields: this.fields, lines: [], vatBreakdown: [], text: this.layout.text,
      warnings: this.warnings, structured: null, pages: null,
    };
  }
}

const DESCRIPTIONS = { number: 'invoice number', issueDate: 'issue date', totalWithVat: 'total with VAT' } as const;
const round = (n: number): number => Math.round(Math.max(0, Math.min(1, n)) * 100) / 100;

/**
 * The number after its label; else from a heading that names the document and its number,
 * "Handelsrechnung Nr. 471102 vom 05.03.2018", "Facture n° F-12 du 3 mars 2024", whose date
 * is returned for readDates; else from a title line ("FACTUUR 2024-017").
 */
function readNumber(layout: Layout, out: TextFields): DateInHeading | null {
  const found = labelled(layout, 'number').flatMap(({ hit, region }) => {
    const m = findDocumentNumber(region.text);
    return m ? [{ ...m, start: region.start + m.start, end: region.start + m.end, placement: region.placement, label: hit.label }] : [];
  });
  const heading = numberInHeading(layout);
  // "Rechnung Nr. 4711" in the heading names the invoice's number; a generic label
  // ("Belegnummer", "Document number") in the text below may be another document's
  const first = heading && found[0] && !INVOICE_WORD.test(fold(found[0].label)) ? undefined : found[0];
  if (first) {
    const agreed = found.every((f) => f.value === first.value);
    const confidence = (first.placement === 'after' ? CONFIDENCE.labelled : CONFIDENCE.below) - (agreed ? 0 : CONFIDENCE.disagreement);
    out.set('number', first.value, first.start, first.end, confidence);
    return heading?.date ?? null;
  }
  if (heading) {
    out.set('number', heading.value, heading.start, heading.end, CONFIDENCE.heading);
    return heading.date;
  }
  // a title that carries the number: "FACTUUR 2024-017", "Rechnung 4711"
  for (const line of layout.lines.slice(0, 30)) {
    if (!isTitle(line.text)) continue;
    const rest = /^\S+\s+/.exec(line.text);
    const m = rest ? findDocumentNumber(line.text.slice(rest[0].length)) : null;
    if (rest && m) {
      // the title and the number alone on their line ("Facture FA-2017-0010") is a heading; more on it, a guess
      const alone = line.text.slice(rest[0].length + m.end).trim() === '' && m.start === 0 && /\d/.test(m.value) && !/^(?:19|20)\d\d$/.test(m.value);
      out.set('number', m.value, line.start + rest[0].length + m.start, line.start + rest[0].length + m.end, alone ? CONFIDENCE.heading : CONFIDENCE.title);
      return null;
    }
  }
  return null;
}

interface DateInHeading { value: string; start: number; end: number }

/** A document word, perhaps inside a compound ("Handelsrechnung"), then "Nr." or "No" and the number. */
const INVOICE_WORD = /rechnung|gutschrift|factuur|creditnota|facture|avoir|note de credit|invoice|credit note|credit memo/;
// up to four words may stand between ("Rechnung des Versicherers Nr.", "Gutschrift (Selbst ausgestellte Rechnung) Nr.")
const HEADING = /(?:rechnung|gutschrift|factuur|creditnota|facture|avoir|note de credit|invoice|credit note)[a-z]*\)?(?:\s+\(?[a-z]+\)?){0,4}\s*(?:nr|no|n°|nummer|number|numero|#)(?![a-z])\s*\.?\s*:?\s*/;
/** What puts a date after the number: "vom", "du", "van", "of", "dated"; the date may wrap to the next line. */
const DATED = /^\s*(?:vom|von|du|van|of|dated|d\.d\.|le)(?:\s+|$)/i;

function numberInHeading(layout: Layout): { value: string; start: number; end: number; date: DateInHeading | null } | null {
  for (const line of layout.lines.slice(0, 30)) {
    const h = HEADING.exec(line.folded);
    if (!h) continue;
    const at = h.index + h[0].length;
    const m = findDocumentNumber(line.text.slice(at));
    if (!m) continue;
    const start = line.start + at + m.start, end = line.start + at + m.end;
    const after = line.text.slice(at + m.end);
    const dated = DATED.exec(after);
    const d = dated ? findDates(after.slice(dated[0].length), layout.language)[0] : undefined;
    const base = line.start + at + m.end + (dated?.[0].length ?? 0);
    if (d && d.start === 0) return { value: m.value, start, end, date: { value: d.value, start: base + d.start, end: base + d.end } };
    // the date wrapped to the next line: "... Nr. 4711 vom" over "05.03.2018", or "... Nr. 4711" over "vom 05.03.2018"
    const next = layout.lines[line.index + 1];
    const rest = dated ? after.slice(dated[0].length) : after;
    const nextDated = !dated && next ? DATED.exec(next.text) : null;
    const lead = dated ? 0 : nextDated?.[0].length ?? -1;
    const wrapped = lead >= 0 && rest.trim() === '' && next?.page === line.page ? findDates(next.text.slice(lead), layout.language)[0] : undefined;
    const date = wrapped && next!.text.slice(lead, lead + wrapped.start).trim() === ''
      ? { value: wrapped.value, start: next!.start + lead + wrapped.start, end: next!.start + lead + wrapped.end } : null;
    return { value: m.value, start, end, date };
  }
  return null;
}

/** A line that starts with a document word, perhaps ending a compound ("Beitragsrechnung"). */
const TITLE_START = /^\s*[a-z-]*(?:rechnung|gutschrift|factuur|creditnota|facture|avoir|invoice|credit note)\b/;

/** Lines whose dates are not the invoice's: a delivery, an order, a stylesheet or version. */
const OTHER_DATE_LINE = /liefer|leistung|bestell|auftrag|livraison|commande|levering|bestelling|delivery|order|stylesheet|version|copyright|gultig|valid/;

function readDates(layout: Layout, out: TextFields, headingDate: DateInHeading | null): void {
  const used = new Set<number>();
  const monthFirst = monthFirstDates(layout.text);
  for (const kind of ['issueDate', 'dueDate'] as const) {
    for (const { region } of labelled(layout, kind)) {
      const d = findDates(region.text, layout.language, monthFirst)[0];
      if (!d) continue;
      used.add(region.start + d.start);
      out.set(kind, d.value, region.start + d.start, region.start + d.end, region.placement === 'after' ? CONFIDENCE.labelled : CONFIDENCE.below);
      break;
    }
  }
  if (out.fields.issueDate) return;
  if (headingDate) { out.set('issueDate', headingDate.value, headingDate.start, headingDate.end, CONFIDENCE.heading); return; }
  // a title line that carries one date: "Beitragsrechnung   24. Januar 2024", "FACTURE du 3 mars 2024"
  for (const line of layout.lines.slice(0, 30)) {
    if (!TITLE_START.test(line.folded) || OTHER_DATE_LINE.test(line.folded)) continue;
    const dates = findDates(line.text, layout.language, monthFirst);
    if (dates.length === 1) { out.set('issueDate', dates[0]!.value, line.start + dates[0]!.start, line.start + dates[0]!.end, CONFIDENCE.heading); return; }
  }
  // no label: the first date printed is most often the invoice date, unless its line says it is another one
  for (const line of layout.lines) {
    if (OTHER_DATE_LINE.test(line.folded)) continue;
    const d = findDates(line.text, layout.language, monthFirst).find((x) => !used.has(line.start + x.start));
    if (d) { out.set('issueDate', d.value, line.start + d.start, line.start + d.end, CONFIDENCE.unlabelledDate); return; }
  }
}
