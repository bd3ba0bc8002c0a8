/**
 * VAT identification numbers: normalisation, format per country, and check digits where the
 * country publishes an algorithm we implement (BE, DE, FR, LU, NL). A number that passes its
 * check digits is very unlikely to be an OCR or typing error; one that passes only the format
 * is plausible, not proven (`checkDigits: false`).
 */

export type VatIdCheck =
  | { valid: true; normalized: string; country: string; checkDigits: boolean }
  | { valid: false; normalized: string; country: string | null; problem: 'no_country' | 'unknown_country' | 'format' | 'check_digits' };

interface Rule {
  /** The part after the two-letter prefix. */
  format: RegExp;
  check?: (body: string) => boolean;
}

const digitsOf = (s: string): number[] => [...s].map(Number);

/** BE: 10 digits starting 0 or 1; the last two are 97 - (first eight mod 97). */
export function belgianCheck(body: string): boolean {
  const base = Number(body.slice(0, 8));
  return 97 - (base % 97) === Number(body.slice(8));
}

/** DE: ISO 7064 MOD 11,10 over the first eight digits gives the ninth. */
export function germanCheck(body: string): boolean {
  const d = digitsOf(body);
  let product = 10;
  for (let i = 0; i < 8; i++) {
    let sum = ((d[i] ?? 0) + product) % 10;
    if (sum === 0) sum = 10;
    product = (2 * sum) % 11;
  }
  const check = 11 - product;
  return (check === 10 ? 0 : check) === d[8];
}

/** FR: key = (12 + 3 * (SIREN mod 97)) mod 97 for numeric keys; letter keys have no public check. */
export function frenchCheck(body: string): boolean | null {
  const key = body.slice(0, 2);
  if (!/^\d\d$/.test(key)) return null;
  const siren = Number(body.slice(2));
  return (12 + 3 * (siren % 97)) % 97 === Number(key);
}

/** LU: the first six digits mod 89 are the last two. */
export function luxembourgCheck(body: string): boolean {
  return Number(body.slice(0, 6)) % 89 === Number(body.slice(6));
}

/**
 * NL: the classic "elfproef" (weights 9..2 and -1 over the nine digits, sum divisible by 11),
 * or, for numbers issued to sole traders since 2020, ISO 7064 mod 97 over the whole
 * "NL...B.." string with letters as numbers (A=10 ... Z=35) giving 1.
 */
export function dutchCheck(body: string): boolean {
  const d = digitsOf(body.slice(0, 9));
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (d[i] ?? 0) * (9 - i);
  sum -= d[8] ?? 0;
  if (sum % 11 === 0) return true;
  return mod97Alnum(`NL${body}`) === 1;
}

/** Remainder mod 97 of a string with letters read as two-digit numbers (A=10 ... Z=35). */
export function mod97Alnum(text: string): number {
  let rest = 0;
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (code >= 48 && code <= 57) rest = (rest * 10 + (code - 48)) % 97;
    else rest = (rest * 100 + (code - 55)) % 97;
  }
  return rest;
}

const RULES: Record<string, Rule> = {
  AT: { format: /^U\d{8}$/ },
  BE: { format: /^[01]\d{9}$/, check: belgianCheck },
  BG: { format: /^\d{9,10}$/ },
  CH: { format: /^E\d{9}(MWST|TVA|IVA)?$/ },
  CY: { format: /^\d{8}[A-Z]$/ },
  CZ: { format: /^\d{8,10}$/ },
  DE: { format: /^[1-9]\d{8}$/, check: germanCheck },
  DK: { format: /^\d{8}$/ },
  EE: { format: /^\d{9}$/ },
  EL: { format: /^\d{9}$/ },
  ES: { format: /^[A-Z0-9]\d{7}[A-Z0-9]$/ },
  FI: { format: /^\d{8}$/ },
  FR: { format: /^[0-9A-HJ-NP-Z]{2}\d{9}$/ },
  GB: { format: /^(\d{9}|\d{12}|GD\d{3}|HA\d{3})$/ },
  HR: { format: /^\d{11}$/ },
  HU: { format: /^\d{8}$/ },
  IE: { format: /^(\d{7}[A-W][A-I]?|\d[A-Z+*]\d{5}[A-W])$/ },
  IT: { format: /^\d{11}$/ },
  LT: { format: /^(\d{9}|\d{12})$/ },
  LU: { format: /^\d{8}$/, check: luxembourgCheck },
  LV: { format: /^\d{11}$/ },
  MT: { format: /^\d{8}$/ },
  NL: { format: /^\d{9}B\d{2}$/, check: dutchCheck },
  NO: { format: /^\d{9}(MVA)?$/ },
  PL: { format: /^\d{10}$/ },
  PT: { format: /^\d{9}$/ },
  RO: { format: /^[1-9]\d{1,9}$/ },
  SE: { format: /^\d{10}01$/ },
  SI: { format: /^\d{8}$/ },
  SK: { format: /^\d{10}$/ },
  XI: { format: /^(\d{9}|\d{12}|GD\d{3}|HA\d{3})$/ },
};

/** Uppercase, without the spaces, dots and dashes people type; GR becomes EL, BE gets its leading 0. */
export function normalizeVatId(raw: string, defaultCountry?: string): string {
  let id = raw.toUpperCase().replace(/[\s.\-\u00a0\u202f]/g, '');
  if (/^\d/.test(id) && defaultCountry) id = defaultCountry.toUpperCase() + id;
  if (id.startsWith('GR')) id = `EL${id.slice(2)}`;
  if (/^BE\d{9}$/.test(id)) id = `BE0${id.slice(2)}`; // numbers from before 2007 had nine digits
  return id;
}

/**
 * Checks a VAT id; `defaultCountry` is used when the text has no country prefix (invoices
 * often print only the digits next to a "BTW"/"TVA" label).
 */
export function validateVatId(raw: string, defaultCountry?: string): VatIdCheck {
  const normalized = normalizeVatId(raw, defaultCountry);
  const prefix = /^[A-Z]{2}/.exec(normalized)?.[0];
  if (!prefix) return { valid: false, normalized, country: null, problem: 'no_country' };
  const rule = RULES[prefix];
  if (!rule) return { valid: false, normalized, country: prefix, problem: 'unknown_country' };
  const body = normalized.slice(2);
  if (!rule.format.test(body)) return { valid: false, normalized, country: prefix, problem: 'format' };
  const checked = prefix === 'FR' ? frenchCheck(body) : rule.check ? rule.check(body) : null;
  if (checked === false) return { valid: false, normalized, country: prefix, problem: 'check_digits' };
  return { valid: true, normalized, country: prefix, checkDigits: checked === true };
}

/** Countries whose check digits are verified, for callers that want to say so. */
export const VAT_CHECK_DIGIT_COUNTRIES = ['BE', 'DE', 'FR', 'LU', 'NL'] as const;
