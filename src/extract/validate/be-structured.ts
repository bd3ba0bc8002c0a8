import { mod97Alnum } from './vat.js';

/**
 * Payment references that carry their own check digits, so a reference read from a PDF or a
 * scan can be proven right: the Belgian structured communication (OGM/VCS,
 * +++123/4567/89012+++) and the ISO 11649 creditor reference (RF18 5390 0754 7034), which
 * Belgian banks accept as well.
 */

export type ReferenceCheck =
  | { valid: true; normalized: string; formatted: string }
  | { valid: false; normalized: string; problem: 'format' | 'check_digits' };

/**
 * Accepts "+++123/4567/89012+++", "***123/4567/89012***", "123/4567/89012" or the twelve
 * digits alone. The last two digits are the first ten mod 97, where a remainder of 0 is
 * written 97.
 */
export function validateStructuredCommunication(raw: string): ReferenceCheck {
  const trimmed = raw.trim();
  const shaped = /^(?:(\+{3}|\*{3})\s*)?(\d{3})\s*\/?\s*(\d{4})\s*\/?\s*(\d{5})(?:\s*(\+{3}|\*{3}))?$/.exec(trimmed);
  if (!shaped || (shaped[1] ?? '') !== (shaped[5] ?? '')) return { valid: false, normalized: trimmed.replace(/\D/g, ''), problem: 'format' };
  const digits = `${shaped[2]}${shaped[3]}${shaped[4]}`;
  const rest = Number(digits.slice(0, 10)) % 97;
  if ((rest === 0 ? 97 : rest) !== Number(digits.slice(10))) return { valid: false, normalized: digits, problem: 'check_digits' };
  return { valid: true, normalized: digits, formatted: formatStructuredCommunication(digits) };
}

export function formatStructuredCommunication(digits: string): string {
  return `+++${digits.slice(0, 3)}/${digits.slice(3, 7)}/${digits.slice(7)}+++`;
}

/** True when a text is shaped like a structured communication, whatever its check digits. */
export function looksLikeStructuredCommunication(raw: string): boolean {
  const check = validateStructuredCommunication(raw);
  return check.valid || check.problem !== 'format';
}

/** ISO 11649: "RF" + two check digits + up to 21 letters or digits; mod 97 of the rotated string is 1. */
export function validateCreditorReference(raw: string): ReferenceCheck {
  const normalized = raw.toUpperCase().replace(/[\s\u00a0]/g, '');
  if (!/^RF\d{2}[A-Z0-9]{1,21}$/.test(normalized)) return { valid: false, normalized, problem: 'format' };
  if (mod97Alnum(normalized.slice(4) + normalized.slice(0, 4)) !== 1) return { valid: false, normalized, problem: 'check_digits' };
  return { valid: true, normalized, formatted: normalized.replace(/(.{4})(?=.)/g, '$1 ') };
}
