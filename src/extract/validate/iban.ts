import { mod97Alnum } from './vat.js';

/**
 * IBANs (ISO 13616): country length plus the mod-97 check. The check catches every single
 * wrong digit and almost every swap, so an IBAN that passes is what was printed.
 */

/** Lengths from the SWIFT IBAN registry. */
const LENGTHS: Record<string, number> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28,
  CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
  FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HN: 28, HR: 21, HU: 28,
  IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20,
  LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28,
  NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24,
  SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26,
  UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
};

export type IbanCheck =
  | { valid: true; normalized: string; country: string }
  | { valid: false; normalized: string; country: string | null; problem: 'format' | 'unknown_country' | 'length' | 'check_digits' };

/** Electronic form: uppercase, no spaces or dashes ("NL91 ABNA 0417 1643 00" -> "NL91ABNA0417164300"). */
export function normalizeIban(raw: string): string {
  return raw.toUpperCase().replace(/^IBAN[:\s]*/, '').replace(/[\s\-\u00a0\u202f]/g, '');
}

export function validateIban(raw: string): IbanCheck {
  const normalized = normalizeIban(raw);
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(normalized)) return { valid: false, normalized, country: null, problem: 'format' };
  const country = normalized.slice(0, 2);
  const length = LENGTHS[country];
  if (length === undefined) return { valid: false, normalized, country, problem: 'unknown_country' };
  if (normalized.length !== length) return { valid: false, normalized, country, problem: 'length' };
  if (mod97Alnum(normalized.slice(4) + normalized.slice(0, 4)) !== 1) return { valid: false, normalized, country, problem: 'check_digits' };
  return { valid: true, normalized, country };
}

/** Groups of four, the way IBANs are printed. */
export function formatIban(normalized: string): string {
  return normalized.replace(/(.{4})(?=.)/g, '$1 ');
}
