import type { Layout } from './layout.js';
import type { TextFields } from './read-fields.js';
import { labelled } from './regions.js';
import { findAmounts } from './values.js';
import { chooseTotals, type AmountCandidate, type TotalsCandidates } from './totals.js';
import { fold } from './labels.js';
import { CONFIDENCE } from './confidence.js';
import { breakdownVat, stackedTotals, totalsTable } from './totals-table.js';

/**
 * Totals: every amount after a total label is a candidate; chooseTotals keeps the ones that
 * add up. The amount due, when not printed, is the total with VAT (nothing was prepaid).
 */

const KINDS = ['totalWithoutVat', 'totalVat', 'totalWithVat', 'amountDue', 'prepaidAmount'] as const;
/** Words that make a label name a document total rather than a line or a breakdown row. */
/** More than any label's weight (its word count, plus one for a total word). */
const TABLE_WEIGHT = 10;
const TOTAL_WORDS = /\b(?:total|totaal|gesamt|summe|ttc|ht|htva|tvac|grand)/;

export function readAmounts(layout: Layout, out: TextFields): void {
  const candidates: TotalsCandidates = Object.fromEntries(KINDS.map((k) => [k, [] as AmountCandidate[]])) as Record<(typeof KINDS)[number], AmountCandidate[]>;
  for (const kind of KINDS) {
    for (const { hit, region } of labelled(layout, kind)) {
      // the last amount after the label: "BTW 21% over 100,00   21,00" is 21,00
      const amount = findAmounts(region.text, layout.language).at(-1);
      if (!amount) continue;
      const words = hit.label.split(' ').length;
      candidates[kind].push({
        value: amount.value.value, start: region.start + amount.start, end: region.start + amount.end,
        weight: words + (TOTAL_WORDS.test(fold(hit.label)) ? 1 : 0) - (region.placement === 'below' ? 0.5 : 0),
        confidence: region.placement === 'after' ? CONFIDENCE.labelled : CONFIDENCE.below,
      });
    }
  }
  candidates.anywhere = layout.lines.flatMap((line) => findAmounts(line.text, layout.language).map((a) => ({
    // used only when it is the sum of the net and VAT read: an unlabelled value, proven by the addition
    value: a.value.value, start: line.start + a.start, end: line.start + a.end, weight: 0, confidence: CONFIDENCE.below,
  })));
  // a totals table whose last row adds up is the most specific reading there is: it outweighs any label
  const table = totalsTable(layout);
  if (table) {
    candidates.totalWithoutVat.push({ ...table.net, weight: TABLE_WEIGHT });
    candidates.totalVat.push({ ...table.vat, weight: TABLE_WEIGHT });
    candidates.totalWithVat.push({ ...table.gross, weight: TABLE_WEIGHT });
  }
  // three lines that add up (net, a tax, their sum) under labels we do not know: weak, any labelled sum wins
  const stacked = stackedTotals(layout);
  if (stacked) {
    candidates.totalWithoutVat.push(stacked.net);
    candidates.totalVat.push(stacked.vat);
    candidates.totalWithVat.push(stacked.gross);
  }
  candidates.breakdownVat = breakdownVat(layout);
  const chosen = chooseTotals(candidates);
  const totalsConfidence = chosen.addsUp ? CONFIDENCE.totalsAddUp : CONFIDENCE.totalsUnchecked;
  const due = chosen.amountDue, gross = chosen.totalWithVat;
  // No net + VAT that adds up, but the total and the amount due, printed apart under their own
  // labels, say the same (with nothing prepaid): two readings agree, which a stray amount rarely does.
  const agree = !chosen.addsUp && chosen.dueAddsUp && !chosen.prepaidAmount && !!due && !!gross && due.start !== gross.start;
  for (const name of ['totalWithoutVat', 'totalVat', 'totalWithVat'] as const) {
    const c = chosen[name];
    if (!c) continue;
    const confidence = name === 'totalWithVat' && agree ? CONFIDENCE.totalsAgree : Math.min(c.confidence, totalsConfidence) + (chosen.addsUp ? 0.08 : 0);
    out.set(name, c.value, c.start, c.end, confidence, chosen.addsUp);
  }
  if (chosen.prepaidAmount) out.set('prepaidAmount', chosen.prepaidAmount.value, chosen.prepaidAmount.start, chosen.prepaidAmount.end, CONFIDENCE.totalsUnchecked);
  if (due) {
    const confidence = chosen.dueAddsUp && chosen.addsUp ? CONFIDENCE.totalsAddUp : agree ? CONFIDENCE.totalsAgree : CONFIDENCE.totalsUnchecked;
    out.set('amountDue', due.value, due.start, due.end, confidence, chosen.dueAddsUp && chosen.addsUp);
  } else if (gross) {
    // EN 16931: due = gross - prepaid; with the totals checked and nothing printed as prepaid or due, that is the gross.
    // A prepayment of 0,00 is nothing prepaid; one that no printed amount confirms as gross - paid
    // may be another amount read after a word such as "paid", so the gross stays the best guess, flagged.
    const nothingPrepaid = !chosen.prepaidAmount || /^-?0(?:\.0+)?$/.test(chosen.prepaidAmount.value);
    const nothingElse = nothingPrepaid && chosen.addsUp && !layout.labels.some((h) => h.kind === 'amountDue' || (h.kind === 'prepaidAmount' && !chosen.prepaidAmount));
    out.set('amountDue', gross.value, gross.start, gross.end, nothingElse ? CONFIDENCE.dueFromCheckedTotal : nothingPrepaid ? CONFIDENCE.dueFromTotal : CONFIDENCE.dueDespitePrepaid);
  }
}
