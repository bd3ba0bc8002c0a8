import type { Layout } from './layout.js';
import type { AmountCandidate } from './totals.js';
import { findAmounts } from './values.js';
import { parseDecimal, rescale } from '../validate/decimal.js';

/**
 * The totals printed as a table: a header row that names the net, the VAT and the gross
 * ("Nettobetrag   MwSt-Betrag   MwSt-%   Endbetrag", "Base HT   TVA   Total TTC"), over one row
 * per VAT rate and a last row of their sums. The columns of a text layer rarely line up with
 * their headers (an empty discount column, "EUR" in the rate column), so the row is read by
 * arithmetic instead: its last amount is the gross, and two amounts before it that add up to
 * it are the net and the VAT. The lowest such row under the header is the document's total;
 * when the rows above it add up to it too, the VAT breakdown confirms it.
 */

export interface TableTotals {
  net: AmountCandidate;
  vat: AmountCandidate;
  gross: AmountCandidate;
  /** The rows above the total row (one per VAT rate) add up to it. */
  breakdownAgrees: boolean;
}

/** Most rows a totals table has under its header: a few VAT rates and their sum. */
const MAX_ROWS = 6;

const cents = (v: string): bigint | null => {
  const d = parseDecimal(v);
  return d ? rescale(d, 4) : null;
};

interface Row { net: AmountCandidate; vat: AmountCandidate; gross: AmountCandidate; n: bigint; v: bigint; g: bigint }

/** In a row of amounts, the last one and the nearest two before it that add up to it. */
function rowOf(layout: Layout, lineIndex: number): Row | null {
  const line = layout.lines[lineIndex]!;
  const amounts = findAmounts(line.text, layout.language).map((a) => ({ ...a, cents: cents(a.value.value) }));
  const last = amounts.at(-1);
  if (!last || last.cents === null || amounts.length < 3) return null;
  // a VAT of 0,00 only when no VAT amount adds up: a row may print a zero discount or charge too
  for (const zeroVat of [false, true]) for (let j = amounts.length - 2; j >= 1; j--) {
    for (let i = j - 1; i >= 0; i--) {
      const [a, b] = [amounts[i]!, amounts[j]!];
      if (a.cents === null || b.cents === null || a.cents + b.cents !== last.cents || a.cents === 0n || (b.cents === 0n) !== zeroVat) continue;
      const at = (m: typeof a): AmountCandidate => ({ value: m.value.value, start: line.start + m.start, end: line.start + m.end, weight: 0, confidence: 0.85 });
      return { net: at(a), vat: at(b), gross: at(last), n: a.cents, v: b.cents, g: last.cents };
    }
  }
  return null;
}

export function totalsTable(layout: Layout): TableTotals | null {
  let found: TableTotals | null = null;
  for (const line of layout.lines) {
    const kinds = new Set(layout.labels.filter((h) => h.line === line).map((h) => h.kind));
    // a header names the gross and at least one of net and VAT, and holds no amount itself
    if (!kinds.has('totalWithVat') || !(kinds.has('totalWithoutVat') || kinds.has('totalVat'))) continue;
    if (findAmounts(line.text, layout.language).length > 0) continue;
    const rows: Row[] = [];
    for (let i = line.index + 1; i < layout.lines.length && i <= line.index + MAX_ROWS; i++) {
      const below = layout.lines[i]!;
      if (below.page !== line.page || below.cells.length === 0) break;
      const row = rowOf(layout, i);
      if (!row) break;
      rows.push(row);
    }
    const total = rows.at(-1);
    if (!total) continue;
    const above = rows.slice(0, -1);
    const sum = (k: 'n' | 'v' | 'g') => above.reduce((s, r) => s + r[k], 0n);
    const breakdownAgrees = above.length > 0 && sum('n') === total.n && sum('v') === total.v && sum('g') === total.g;
    found = { net: total.net, vat: total.vat, gross: total.gross, breakdownAgrees };
  }
  return found;
}

/** A word that names a tax, alone or in a compound ("Versicherungsteuer", "Mehrwertsteuer"). */
const TAX_WORD = /steuer|\b(?:mwst|ust|btw|tva|iva|vat|tax|taxes|gst)\b/;

/**
 * The totals printed as three lines, each ending with its amount, under labels we do not
 * know: net, then a line naming a tax, then their sum ("Gesamtbeitrag 50,00" / "Versicherung-
 * steuer 19 % 9,50" / "Rechnungsbeitrag 59,50"). The addition is the evidence; the lowest such
 * three lines are taken, as totals close the document.
 */
export function stackedTotals(layout: Layout): Omit<TableTotals, 'breakdownAgrees'> | null {
  const lastAmount = (i: number): AmountCandidate | null => {
    const line = layout.lines[i];
    const a = line ? findAmounts(line.text, layout.language).at(-1) : undefined;
    return a && line ? { value: a.value.value, start: line.start + a.start, end: line.start + a.end, weight: 1, confidence: 0.85 } : null;
  };
  for (let i = layout.lines.length - 1; i >= 2; i--) {
    const [net, vat, gross] = [lastAmount(i - 2), lastAmount(i - 1), lastAmount(i)];
    if (!net || !vat || !gross) continue;
    const lines = [layout.lines[i - 2]!, layout.lines[i - 1]!, layout.lines[i]!];
    if (lines.some((l) => l.page !== lines[2]!.page) || !TAX_WORD.test(lines[1]!.folded)) continue;
    const [n, v, g] = [cents(net.value), cents(vat.value), cents(gross.value)];
    if (n === null || v === null || g === null || v === 0n || n + v !== g) continue;
    return { net, vat, gross };
  }
  return null;
}

/**
 * The VAT breakdown: rows that print a rate, then a base and the VAT on it, the VAT being the
 * base at that rate to the cent ("Steuerbasisbetrag USt. 7%   275,00   19,25", "TVA 20,0%
 * 81,90 €   16,38 €"). Their VAT amounts add up to the document's VAT, printed or not, which
 * checks a net and a gross that no printed VAT total joins. Null without such rows.
 */
export function breakdownVat(layout: Layout): bigint | null {
  let sum: bigint | null = null;
  const seen = new Set<string>();
  for (const line of layout.lines) {
    const rate = /(?<![\d.,])(\d{1,2}(?:[.,]\d{1,2})?)\s?%/.exec(line.text);
    if (!rate) continue;
    const percent = Number(rate[1]!.replace(',', '.'));
    const after = findAmounts(line.text.slice(rate.index + rate[0].length), layout.language).map((a) => cents(a.value.value));
    for (let k = 0; k + 1 < after.length; k++) {
      const [base, vat] = [after[k], after[k + 1]];
      if (base == null || vat == null || base === 0n) continue;
      // cents are 4 decimals here: within a cent of base x rate
      const expected = (Number(base) * percent) / 100;
      if (Math.abs(expected - Number(vat)) > 100) continue;
      // a breakdown printed twice (on the page and in a summary) counts once
      const key = `${percent}:${base}:${vat}`;
      if (!seen.has(key)) { seen.add(key); sum = (sum ?? 0n) + vat; }
      break;
    }
  }
  return sum;
}
