import { parseDecimal, rescale } from '../validate/decimal.js';

/**
 * Choosing the totals. An invoice prints many amounts after labels that look alike ("BTW 21%"
 * on each breakdown row, then "Totaal BTW"); the totals are the ones that add up:
 * net + VAT = gross. When a combination adds up exactly its three values are facts; when none
 * does, each field takes its most specific label, and the lowest on the page among equals.
 */

export interface AmountCandidate {
  value: string;
  start: number;
  end: number;
  /** How specific the label was (its word count, more for one that names the total). */
  weight: number;
  confidence: number;
}

export interface ChosenTotals {
  totalWithoutVat?: AmountCandidate;
  totalVat?: AmountCandidate;
  totalWithVat?: AmountCandidate;
  amountDue?: AmountCandidate;
  prepaidAmount?: AmountCandidate;
  /** net + VAT = gross held for the chosen values. */
  addsUp: boolean;
  /** gross - prepaid = due held. */
  dueAddsUp: boolean;
}

export type TotalsCandidates = Record<'totalWithoutVat' | 'totalVat' | 'totalWithVat' | 'amountDue' | 'prepaidAmount', AmountCandidate[]> & {
  /** Every amount of the document, for a total whose label was not recognised. */
  anywhere?: AmountCandidate[];
  /** The sum of the VAT breakdown's rows (totals-table.ts), in 4-decimal units. */
  breakdownVat?: bigint | null;
};

const cents = (v: string): bigint | null => {
  const d = parseDecimal(v);
  return d ? rescale(d, 4) : null;
};

/**
 * Net and VAT read but no total that adds up to them: the total is the amount printed as their
 * sum, the lowest one on the page ("Endbetrag" in a column no label points at). It then adds
 * up, so all three are facts.
 */
function completeByAddition(out: ChosenTotals, anywhere: AmountCandidate[]): void {
  const [net, vat] = [out.totalWithoutVat, out.totalVat];
  const n = net ? cents(net.value) : null, v = vat ? cents(vat.value) : null;
  if (n === null || v === null || v === 0n) return;
  const sum = [...anywhere].reverse().find((a) => cents(a.value) === n + v && a.start > Math.max(net!.start, vat!.start));
  if (sum) { out.totalWithVat = sum; out.addsUp = true; }
}

/**
 * No printed VAT total joins a net and a gross, but the VAT breakdown's rows add up to the VAT
 * between them: that net and gross are facts, and the VAT is the printed amount equal to the
 * rows' sum, or none when only the rows print it.
 */
function checkByBreakdown(out: ChosenTotals, nets: AmountCandidate[], grosses: AmountCandidate[], vat: bigint): void {
  for (const net of nets) {
    const gross = grosses.find((g) => cents(net.value) !== null && cents(g.value) === cents(net.value)! + vat && g.start !== net.start);
    if (!gross) continue;
    out.totalWithoutVat = net;
    out.totalWithVat = gross;
    const printed = out.totalVat && cents(out.totalVat.value) === vat;
    if (!printed) delete out.totalVat;
    out.addsUp = true;
    return;
  }
}

/** Most specific first, then the lowest on the page: totals come after the lines. */
const byPreference = (a: AmountCandidate, b: AmountCandidate): number => b.weight - a.weight || b.start - a.start;

/** Keep the search small: a page rarely has more than a handful of plausible totals. */
const TOP = 8;

export function chooseTotals(c: TotalsCandidates): ChosenTotals {
  const nets = [...c.totalWithoutVat].sort(byPreference).slice(0, TOP);
  const vats = [...c.totalVat].sort(byPreference).slice(0, TOP);
  const grosses = [...c.totalWithVat].sort(byPreference).slice(0, TOP);
  let best: { net: AmountCandidate; vat: AmountCandidate; gross: AmountCandidate; score: number } | null = null;
  for (const net of nets) {
    for (const vat of vats) {
      for (const gross of grosses) {
        const [n, v, g] = [cents(net.value), cents(vat.value), cents(gross.value)];
        if (n === null || v === null || g === null || n + v !== g) continue;
        if (net.start === gross.start || (n === 0n && v === 0n && nets.length + grosses.length > 2 && g !== 0n)) continue;
        const score = net.weight + vat.weight + gross.weight;
        if (!best || score > best.score) best = { net, vat, gross, score };
      }
    }
  }
  // unchecked, a negative amount after a total label is a discount or a VAT correction row, not
  // the total, unless every candidate is negative (a corrective invoice)
  const positive = grosses.filter((g) => !g.value.startsWith('-'));
  const out: ChosenTotals = best
    ? { totalWithoutVat: best.net, totalVat: best.vat, totalWithVat: best.gross, addsUp: true, dueAddsUp: false }
    : { totalWithoutVat: nets[0], totalVat: vats[0], totalWithVat: positive[0] ?? grosses[0], addsUp: false, dueAddsUp: false };
  if (!best) completeByAddition(out, c.anywhere ?? []);
  if (!out.addsUp && c.breakdownVat) checkByBreakdown(out, nets, grosses, c.breakdownVat);
  // a prepayment is printed as what it takes off ("Erhaltene Anzahlungen -50,00"): it is the amount paid
  const printedPrepaid = [...c.prepaidAmount].sort(byPreference)[0];
  let prepaid = printedPrepaid?.value.startsWith('-') ? { ...printedPrepaid, value: printedPrepaid.value.slice(1) } : printedPrepaid;
  const dues = [...c.amountDue].sort(byPreference);
  const gross = out.totalWithVat ? cents(out.totalWithVat.value) : null;
  const expectedDue = gross === null ? null : gross - (prepaid ? cents(prepaid.value) ?? 0n : 0n);
  let matching = dues.find((d) => expectedDue !== null && cents(d.value) === expectedDue);
  // no prepaid label, and the amount due is less than the total: the payment made is printed
  // too, as the difference, in a payments table or under a label we do not know (gross - paid = due)
  if (!matching && !prepaid && gross !== null && dues[0] && out.totalWithVat) {
    const due = cents(dues[0].value);
    const paid = due !== null && due > 0n && due < gross ? (c.anywhere ?? []).find((a) => cents(a.value) === gross - due && a.start > out.totalWithVat!.start) : undefined;
    if (paid) { prepaid = paid; matching = dues[0]; }
  }
  // something was prepaid and no due label gave gross - prepaid: the amount printed as that
  // difference below the total is the amount due, under a label we do not know
  const printed = !matching && prepaid && expectedDue !== null && expectedDue !== gross && out.totalWithVat
    ? (c.anywhere ?? []).find((a) => a.start > out.totalWithVat!.start && cents(a.value) === expectedDue) : undefined;
  out.amountDue = matching ?? printed ?? dues[0];
  out.dueAddsUp = matching !== undefined || printed !== undefined;
  if (prepaid) out.prepaidAmount = prepaid;
  return out;
}
