import type { Layout } from './layout.js';
import type { TextFields } from './read-fields.js';
import { CREDIT_NOTE_TITLES, fold, INVOICE_TITLES } from './labels.js';
import { CONFIDENCE } from './confidence.js';

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

/** A credit-note title anywhere near the top makes a credit note; an invoice or receipt title an invoice. */
export function readDocumentType(layout: Layout, out: TextFields): void {
  const top = layout.lines.filter((l) => l.page === layout.lines[0]?.page).slice(0, 40);
  for (const [titles, kind] of [[CREDIT_NOTE_TITLES, 'credit_note'], [INVOICE_TITLES, 'invoice']] as const) {
    for (const line of top) {
      for (const title of titles) {
        const m = new RegExp(`(?<![a-z])${title.replace(/ /g, '\\s*')}(?![a-z])`).exec(line.folded);
        if (m && line.folded.trim().length <= title.length + 40) {
          out.set('documentType', kind, line.start + m.index, line.start + m.index + m[0].length, CONFIDENCE.titled);
          return;
        }
      }
    }
  }
  const first = top.find((l) => l.cells.length > 0);
  out.set('documentType', 'invoice', first?.start ?? 0, first ? first.start + first.text.length : 0, CONFIDENCE.untitled);
}
