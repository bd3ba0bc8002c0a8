import type { Layout } from './layout.js';
import type { TextFields } from './read-fields.js';
import { CREDIT_NOTE_TITLES, fold, INVOICE_TITLES } from './labels.js';
import { CONFIDENCE } from './confidence.js';
import { labelled } from './regions.js';

/** The currency and the kind of document: facts printed once, in the title or next to the totals. */

const CODES = /(?<![A-Z])(EUR|USD|GBP|CHF|DKK|NOK|SEK|HUF|PLN|CZK|RON|BGN|JPY|CAD|AUD)(?![A-Z])/g;
const SYMBOLS: Record<string, string> = { '€': 'EUR', '£': 'GBP', '$': 'USD' };

export function readCurrency(layout: Layout, out: TextFields): void {
  const total = out.fields.totalWithVat?.provenance;
  const codes = [...layout.text.matchAll(CODES)];
  const near = total?.kind === 'text' ? lineAround(layout, total.start) : null;
  const pick = (matches: RegExpMatchArray[]) =>
    (near && matches.find((m) => m.index! >= near[0] && m.index! < near[1])) ?? mostFrequent(matches);
  const code = codes.length ? pick(codes) : undefined;
  if (code) {
    out.set('currency', code[1]!, code.index!, code.index! + 3, new Set(codes.map((c) => c[1])).size === 1 ? CONFIDENCE.currency : CONFIDENCE.currency - 0.15);
    return;
  }
  const symbols = [...layout.text.matchAll(/[€£$]/g)];
  const symbol = symbols.length ? pick(symbols) : undefined;
  if (symbol) out.set('currency', SYMBOLS[symbol[0]]!, symbol.index!, symbol.index! + 1, CONFIDENCE.currencySymbol);
}

function lineAround(layout: Layout, offset: number): [number, number] | null {
  const line = [...layout.lines].reverse().find((l) => l.start <= offset);
  return line ? [line.start, line.start + line.text.length] : null;
}

function mostFrequent(matches: RegExpMatchArray[]): RegExpMatchArray | undefined {
  const counts = new Map<string, number>();
  for (const m of matches) counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  return matches.find((m) => m[0] === top);
}

/** German and Dutch titles that end compounds: "Warenrechnung", "Schlussrechnung", "Eindfactuur". */
const COMPOUNDS = new Set(['rechnung', 'gutschrift', 'factuur', 'creditnota']);

/** A listed title as a pattern: its words may be run together or hyphenated ("Rechnungs-Korrektur"). */
const pattern = (title: string): string => title.replace(/ /g, '[\\s-]*');
/** What follows a title word in a heading: the document's number, by its label. */
const HEADING = /^(?:\s+\(?[a-z]+\)?){0,4}\s*(?:no|nr|n|nummer|number|numero|#)(?![a-z])\.?\s*:?\s*[\w/.-]*\d/;
/** Self-billing: the buyer issues the invoice (UNTDID 1001 code 389), in German also called a Gutschrift. */
const SELF_BILLING = /selbst\s*ausgestellte\s*rechnung|gutschriftsverfahren|autofacturation|self[\s-]*bill|zelffacturatie/;

/** A letter-spaced heading, "W A R E N R E C H N U N G", as the word it spells. */
const unspaced = (s: string): string => (/^(?:\p{L} ){3,}\p{L}$/u.test(s) ? s.replace(/ /g, '') : s);

/**
 * A credit-note title anywhere near the top makes a credit note; an invoice or receipt title an
 * invoice; without a title, the label of the document's number says which it is.
 */
export function readDocumentType(layout: Layout, out: TextFields): void {
  const top = layout.lines.filter((l) => l.page === layout.lines[0]?.page).slice(0, 40);
  for (const [titles, kind] of [[CREDIT_NOTE_TITLES, 'credit_note'], [INVOICE_TITLES, 'invoice']] as const) {
    for (const line of top) {
      for (const title of titles) {
        const m = new RegExp(`(?<![a-z])${COMPOUNDS.has(title) ? '(?:[a-z]{3,})?' : ''}${pattern(title)}(?![a-z])`).exec(line.folded);
        // a short line is a title; so is a heading that goes on with the document's number ("Mietrechnung Nr. 93/M vom 01.10.2018")
        if (m && (line.folded.trim().length <= title.length + 40 || HEADING.test(line.folded.slice(m.index + m[0].length)))) {
          // a German "Gutschrift" may be a self-billed invoice (§ 14 (2) UStG), which the heading then says
          const invoiced = kind === 'credit_note' && SELF_BILLING.test(line.folded);
          out.set('documentType', invoiced ? 'invoice' : kind, line.start + m.index, line.start + m.index + m[0].length, CONFIDENCE.titled);
          return;
        }
      }
    }
  }
  // a title in a cell of its own, on a line shared with other columns ("RECHNUNG      Seite 1 von 2")
  for (const [titles, kind] of [[CREDIT_NOTE_TITLES, 'credit_note'], [INVOICE_TITLES, 'invoice']] as const) {
    for (const line of top) {
      for (const cell of line.cells) {
        const folded = unspaced(fold(cell.text).trim());
        const title = titles.find((t) => new RegExp(`^${COMPOUNDS.has(t) ? '(?:[a-z]{3,})?' : ''}${pattern(t)}(?:\\s+(?:no|nr|n|#)?\\.?\\s*[\\w/-]*\\d[\\w/-]*)?$`).test(folded));
        if (title) {
          out.set('documentType', kind, cell.start, cell.start + cell.text.trim().length, CONFIDENCE.titled);
          return;
        }
      }
    }
  }
  // no title: the label of the document's own number names it ("Gutschriftsnummer", "Invoice number", "N° d'avoir")
  for (const [titles, kind] of [[CREDIT_NOTE_TITLES, 'credit_note'], [INVOICE_TITLES, 'invoice']] as const) {
    const named = labelled(layout, 'number').find(({ hit }) => titles.some((t) => fold(hit.label).replace(/\s/g, '').includes(t.replace(/\s/g, ''))));
    if (named) {
      out.set('documentType', kind, named.hit.start, named.hit.end, CONFIDENCE.numberLabel);
      return;
    }
  }
  const first = top.find((l) => l.cells.length > 0);
  out.set('documentType', 'invoice', first?.start ?? 0, first ? first.start + first.text.length : 0, CONFIDENCE.untitled);
}
