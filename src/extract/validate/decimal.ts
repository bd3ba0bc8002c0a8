/**
 * Exact decimal arithmetic for amounts. Floats cannot say that 720.81 + 0.01 - 720.81 - 0.01
 * is zero; scaled bigints can, and totals checks must never cry wolf over binary rounding.
 */

export interface Decimal {
  /** The value times 10^scale. */
  units: bigint;
  scale: number;
}

const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?$/;

/** Reads an xsd:decimal ("-12.50", "+3", ".5", "7."); anything else is null. */
export function parseDecimal(text: string): Decimal | null {
  const m = DECIMAL.exec(text.trim());
  if (!m) return null;
  const intPart = m[2] ?? '';
  const fracPart = m[3] ?? '';
  if (intPart === '' && fracPart === '') return null;
  const digits = (intPart + fracPart).replace(/^0+(?=\d)/, '') || '0';
  const units = BigInt(digits);
  return { units: m[1] === '-' ? -units : units, scale: fracPart.length };
}

/**
 * The decimal as callers should store it: sign only when negative, a leading zero before a
 * bare point, no trailing point. The digits themselves are kept ("1436.5" stays "1436.5").
 */
export function canonicalDecimal(text: string): string | null {
  const trimmed = text.trim();
  if (!parseDecimal(trimmed)) return null;
  let out = trimmed.replace(/^\+/, '');
  out = out.replace(/^(-?)\./, '$10.');
  out = out.replace(/\.$/, '');
  return out;
}

export function rescale(d: Decimal, scale: number): bigint {
  if (scale >= d.scale) return d.units * 10n ** BigInt(scale - d.scale);
  // Only used to compare at a coarser scale; round half away from zero like accountants do.
  const factor = 10n ** BigInt(d.scale - scale);
  const half = factor / 2n;
  return d.units >= 0n ? (d.units + half) / factor : -((-d.units + half) / factor);
}

export function formatUnits(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const body = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${body}` : body;
}

export function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}
