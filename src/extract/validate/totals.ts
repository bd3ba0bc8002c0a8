import type { DecimalString, FieldName } from '../types.js';
import { abs, formatUnits, parseDecimal, rescale, type Decimal } from './decimal.js';

/**
 * Do the numbers of an invoice add up? The EN 16931 relations, computed exactly:
 *   lines:        sum of line net amounts = line total (or total without VAT when there is none)
 *   without_vat:  line total - allowances + charges = total without VAT
 *   with_vat:     total without VAT + VAT = total with VAT
 *   amount_due:   total with VAT - prepaid + rounding = amount due
 *   breakdown_*:  the VAT breakdown sums to the totals, and each rate times its base is its VAT
 * Producers that compute totals from unrounded values can be a cent off per rounded part, so
 * each check allows one rounding unit (a cent in most currencies) per part beyond the first,
 * and at least one. Problems come back as a list, never as an exception: a wrong total is a
 * fact worth showing, not a crash.
 */

export type TotalsCheck = 'lines' | 'without_vat' | 'with_vat' | 'amount_due' | 'breakdown_taxable' | 'breakdown_vat' | 'breakdown_rate';

export interface TotalsInput {
  /** ISO 4217 code; decides the rounding unit (0.01 for most, 1 for HUF or JPY, 0.001 for KWD). */
  currency?: string;
  lines?: Array<{ netAmount: DecimalString | null; vatCategory?: string | null; vatRate?: DecimalString | null }>;
  lineTotal?: DecimalString;
  allowanceTotal?: DecimalString;
  chargeTotal?: DecimalString;
  totalWithoutVat?: DecimalString;
  totalVat?: DecimalString;
  totalWithVat?: DecimalString;
  prepaidAmount?: DecimalString;
  roundingAmount?: DecimalString;
  amountDue?: DecimalString;
  breakdown?: Array<{ taxableAmount: DecimalString | null; taxAmount: DecimalString | null; rate: DecimalString | null; category: string | null }>;
}

export interface TotalsIssue {
  check: TotalsCheck;
  /** The field whose stated value disagrees with the computation. */
  field: FieldName | null;
  stated: DecimalString;
  computed: DecimalString;
  message: string;
}

/**
 * Decimal places invoices in a currency are rounded to. ISO 4217 still gives HUF two, but
 * forint invoices round VAT and totals to whole forints, so they are judged by that.
 */
const WHOLE_UNIT_CURRENCIES = new Set(['BIF', 'CLP', 'DJF', 'GNF', 'HUF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF']);
const THOUSANDTH_CURRENCIES = new Set(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND']);
export function roundingDecimals(currency: string | undefined): number {
  const code = currency?.toUpperCase() ?? '';
  return WHOLE_UNIT_CURRENCIES.has(code) ? 0 : THOUSANDTH_CURRENCIES.has(code) ? 3 : 2;
}

/** Amounts in work: exact, at a common scale fine enough for every input and the rounding unit. */
class Sum {
  constructor(readonly scale: number, private readonly decimals: number) {}
  of(values: Array<Decimal | null | undefined>): bigint {
    return values.reduce<bigint>((acc, v) => acc + (v ? rescale(v, this.scale) : 0n), 0n);
  }
  /** n rounding units at the working scale. */
  units(n: number): bigint {
    return BigInt(n) * 10n ** BigInt(this.scale - this.decimals);
  }
}

export function checkTotals(input: TotalsInput): TotalsIssue[] {
  const d = (s: DecimalString | null | undefined): Decimal | null => (s == null ? null : parseDecimal(s));
  const lines = (input.lines ?? []).map((l) => ({ ...l, net: d(l.netAmount) }));
  const breakdown = (input.breakdown ?? []).map((b) => ({ ...b, taxable: d(b.taxableAmount), tax: d(b.taxAmount), rateD: d(b.rate) }));
  const t = {
    lineTotal: d(input.lineTotal), allowance: d(input.allowanceTotal), charge: d(input.chargeTotal),
    withoutVat: d(input.totalWithoutVat), vat: d(input.totalVat), withVat: d(input.totalWithVat),
    prepaid: d(input.prepaidAmount), rounding: d(input.roundingAmount), due: d(input.amountDue),
  };
  const all = [...Object.values(t), ...lines.map((l) => l.net), ...breakdown.flatMap((b) => [b.taxable, b.tax])];
  const decimals = roundingDecimals(input.currency);
  const scale = Math.max(2, decimals, ...all.map((v) => v?.scale ?? 0));
  const sum = new Sum(scale, decimals);
  const issues: TotalsIssue[] = [];

  const compare = (check: TotalsCheck, field: FieldName | null, stated: Decimal, computed: bigint, parts: number, how: string): void => {
    const statedUnits = rescale(stated, scale);
    if (abs(statedUnits - computed) <= sum.units(Math.max(1, parts - 1))) return;
    const computedText = formatUnits(computed, scale).replace(/(\.\d\d\d*?)0+$/, '$1');
    const statedText = formatUnits(statedUnits, scale).replace(/(\.\d\d\d*?)0+$/, '$1');
    issues.push({ check, field, stated: statedText, computed: computedText, message: `${how} is ${computedText}, but the document states ${statedText}.` });
  };

  const nets = lines.map((l) => l.net);
  if (lines.length > 0 && nets.every((n) => n !== null)) {
    const noAdjustments = !t.allowance && !t.charge;
    const target = t.lineTotal ?? (noAdjustments ? t.withoutVat : null);
    if (target) {
      compare('lines', t.lineTotal ? 'lineTotal' : 'totalWithoutVat', target, sum.of(nets), lines.length,
        `The sum of the ${lines.length} line amounts`);
    }
  }
  if (t.lineTotal && t.withoutVat) {
    compare('without_vat', 'totalWithoutVat', t.withoutVat, sum.of([t.lineTotal, t.charge]) - sum.of([t.allowance]),
      1 + (t.allowance ? 1 : 0) + (t.charge ? 1 : 0), 'Line total - allowances + charges');
  }
  // A missing VAT total is the breakdown's sum when there is one (EN 16931 may leave out a
  // zero total); with neither, the VAT is unknown rather than zero.
  const breakdownTaxes = breakdown.map((b) => b.tax);
  const breakdownVat = breakdown.length > 0 && breakdownTaxes.every((x) => x !== null) ? sum.of(breakdownTaxes) : null;
  const vat = t.vat ? rescale(t.vat, scale) : breakdownVat;
  if (t.withoutVat && t.withVat && vat !== null) {
    compare('with_vat', 'totalWithVat', t.withVat, sum.of([t.withoutVat]) + vat, 2, 'Total without VAT + VAT');
  }
  if (t.withVat && t.due) {
    compare('amount_due', 'amountDue', t.due, sum.of([t.withVat, t.rounding]) - sum.of([t.prepaid]),
      1 + (t.prepaid ? 1 : 0) + (t.rounding ? 1 : 0), 'Total with VAT - prepaid + rounding');
  }
  if (breakdown.length > 0) {
    const taxables = breakdown.map((b) => b.taxable);
    if (t.withoutVat && taxables.every((x) => x !== null)) {
      compare('breakdown_taxable', 'totalWithoutVat', t.withoutVat, sum.of(taxables), breakdown.length, 'The sum of the VAT breakdown bases');
    }
    if (t.vat && breakdownVat !== null) {
      compare('breakdown_vat', 'totalVat', t.vat, breakdownVat, breakdown.length, 'The sum of the VAT breakdown amounts');
    }
    for (const b of breakdown) {
      if (!b.taxable || !b.tax || !b.rateD) continue;
      // taxable * rate / 100 at the working scale, rounded half away from zero
      const product: Decimal = { units: b.taxable.units * b.rateD.units, scale: b.taxable.scale + b.rateD.scale + 2 };
      const linesInGroup = lines.filter((l) => l.vatCategory === b.category && sameRate(l.vatRate, b.rate)).length;
      compare('breakdown_rate', null, b.tax, rescale(product, scale), Math.max(2, linesInGroup + 1),
        `VAT at ${b.rate}% on ${b.taxableAmount}${b.category ? ` (category ${b.category})` : ''}`);
    }
  }
  return issues;
}

function sameRate(a: DecimalString | null | undefined, b: DecimalString | null): boolean {
  if (a == null || b == null) return a == b;
  const x = parseDecimal(a), y = parseDecimal(b);
  if (!x || !y) return false;
  const s = Math.max(x.scale, y.scale);
  return rescale(x, s) === rescale(y, s);
}
