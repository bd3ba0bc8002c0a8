import type { Language } from '../../domain/documents.js';
import { parseAmount } from '../validate/amounts.js';
import { parseDate } from '../validate/dates.js';
import { validateVatId, type VatIdCheck } from '../validate/vat.js';
import { validateIban, type IbanCheck } from '../validate/iban.js';

/**
 * Value patterns: where in a piece of text an amount, a date, a VAT id or an IBAN is, and
 * what it says. Each match keeps its offsets in the text it was found in, for provenance.
 * OCR mixes up O and 0, l and 1: inside something that is otherwise a number they are read
 * as digits (same length, so offsets hold).
 */

export interface Match<T> {
  value: T;
  start: number;
  end: number;
}

/** O/o as 0 and l/I/| as 1 where they touch digits or number punctuation. */
export function ocrDigits(s: string): string {
  return s
    .replace(/(?<=[\d.,/])[Oo]|[Oo](?=\d|[.,/]\d)/g, '0')
    .replace(/(?<=[\d.,/])[lI|]|[lI|](?=\d|[.,/]\d)/g, '1');
}

const CURRENCY = '(?:EUR|USD|GBP|CHF|DKK|NOK|SEK|HUF|PLN|CZK|RON|BGN|JPY|CAD|AUD|€|\\$|£)';
// thousands groups with one separator kind, an optional decimal part; "12,-" is a whole amount
const NUMBER = "(?:\\d{1,3}(?:(?:[.,'’\\u00a0\\u202f]| (?=\\d{3}(?!\\d)))\\d{3})+|\\d+)(?:[.,]\\d{1,3}|[.,]-{1,2})?";
const AMOUNT = new RegExp(`(?:${CURRENCY}\\s?)?(?:-\\s?|\\()?(?:${CURRENCY}\\s?)?${NUMBER}\\)?-?(?:\\s?${CURRENCY}(?![A-Za-z]))?`, 'g');

export interface AmountValue { value: string; currency: string | null }

/**
 * Every amount in `s`, left to right; numbers followed by "%" are rates, not amounts, and the
 * digits of a VAT id or IBAN ("BE0417.497.106") are none.
 */
export function findAmounts(s: string, locale: Language): Array<Match<AmountValue>> {
  const text = maskIdentifiers(ocrDigits(s));
  const out: Array<Match<AmountValue>> = [];
  for (const m of text.matchAll(AMOUNT)) {
    const raw = m[0];
    const after = text.slice(m.index + raw.length);
    if (/^\s?%/.test(after)) continue;
    if (/[A-Za-z0-9]$/.test(text.slice(0, m.index)) && !/^[-€$£(]/.test(raw)) continue; // part of a word or code
    const parsed = parseAmount(raw.replace(/\($/, ''), locale);
    if (parsed) out.push({ value: parsed, start: m.index, end: m.index + raw.trimEnd().length });
  }
  return out;
}

/** The text with VAT ids and IBANs blanked out (same length, so offsets hold). */
function maskIdentifiers(text: string): string {
  const spans: Array<[number, number]> = [...findVatIds(text), ...findIbans(text)].map((m) => [m.start, m.end]);
  for (const m of text.matchAll(IDENTIFIER_LIKE)) spans.push([m.index, m.index + m[0].length]);
  let out = text;
  for (const [start, end] of spans) out = out.slice(0, start) + ' '.repeat(end - start) + out.slice(end);
  return out;
}

const MONTH_WORD = '[A-Za-zÀ-ÿ]{3,10}\\.?';
const DATE = new RegExp([
  '\\d{4}-\\d{1,2}-\\d{1,2}',
  '\\d{1,2}([./-])\\d{1,2}\\1(?:\\d{4}|\\d{2})(?!\\d)',
  `\\d{1,2}(?:er|st|nd|rd|th|\\.)?[ -]?${MONTH_WORD}[ -,]{0,2}\\d{4}`,
  `${MONTH_WORD} \\d{1,2}(?:st|nd|rd|th)?,? \\d{4}`,
].join('|'), 'g');

/**
 * Whether a document writes its slashed dates month first (11/17/2017): some have a second
 * part over 12 and none a first part over 12. One such date decides for all of them, so
 * 11/03/2017 on the same page is the 3rd of November.
 */
export function monthFirstDates(text: string): boolean {
  const parts = [...text.matchAll(/(?<!\d)(\d{1,2})\/(\d{1,2})\/\d{4}(?!\d)/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
  return parts.some(([a, b]) => b > 12 && a <= 12) && !parts.some(([a]) => a > 12);
}

export function findDates(s: string, locale: Language, monthFirst = false): Array<Match<string>> {
  const text = ocrDigits(s);
  const out: Array<Match<string>> = [];
  for (const m of text.matchAll(DATE)) {
    if (/\d$/.test(text.slice(0, m.index))) continue;
    const slashed = monthFirst ? /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(m[0]) : null;
    const value = parseDate(slashed ? `${slashed[2]}/${slashed[1]}/${slashed[3]}` : m[0], locale);
    if (value) out.push({ value, start: m.index, end: m.index + m[0].length });
  }
  return out;
}

const VAT_COUNTRIES = 'AT|BE|BG|CY|CZ|DE|DK|EE|EL|GR|ES|FI|FR|HR|HU|IE|IT|LT|LU|LV|MT|NL|PL|PT|RO|SE|SI|SK|XI|GB|NO|CH';
/** A VAT id or IBAN written with dots or without its spaces: country letters run into digits. */
const IDENTIFIER_LIKE = new RegExp(`(?<![A-Za-z0-9])(?:${VAT_COUNTRIES})\\d[\\d.]{7,}[\\dA-Z]*`, 'gi');
const VAT_CANDIDATE = new RegExp(`(?<![A-Z0-9])(?:${VAT_COUNTRIES})[ .\\-]?[0-9OIl][0-9A-Z .\\-/]{5,18}[0-9A-Z]`, 'g');

export interface VatMatch extends Match<string> { check: VatIdCheck }

/**
 * VAT ids in `s`: a country prefix and digits, perhaps spaced or dotted. Of the ways to end
 * the match the longest one that validates wins; else the longest with the right format but
 * wrong check digits (worth a warning), else nothing.
 */
export function findVatIds(s: string): VatMatch[] {
  const text = s.toUpperCase();
  const out: VatMatch[] = [];
  // OCR digits are fixed on the text as printed: uppercasing first would turn a misread "l" into an "L"
  const fixedOf = (c: string): string => (c.slice(0, 2) + ocrDigits(c.slice(2))).toUpperCase();
  for (const m of text.matchAll(VAT_CANDIDATE)) {
    const printed = s.slice(m.index, m.index + m[0].length);
    const best = bestPrefix(printed, (candidate) => {
      const check = validateVatId(fixedOf(candidate));
      return check.valid ? 2 : check.problem === 'check_digits' ? 1 : 0;
    });
    if (!best) continue;
    const fixed = fixedOf(best);
    out.push({ value: fixed, start: m.index, end: m.index + best.length, check: validateVatId(fixed) });
  }
  return out;
}

/** Digits next to a VAT label but without a country: tried against the countries we can check. */
export function vatIdWithoutCountry(s: string, countries: string[]): VatMatch | null {
  const m = /(?<![A-Z0-9])[0-9][0-9 .\-]{7,14}[0-9](?:B\d\d)?/i.exec(ocrDigits(s));
  if (!m) return null;
  for (const country of countries) {
    const check = validateVatId(m[0], country);
    if (check.valid && check.checkDigits) return { value: check.normalized, start: m.index, end: m.index + m[0].length, check };
  }
  return null;
}

const IBAN_CANDIDATE = /(?<![A-Z0-9])[A-Z]{2}[0-9OIl]{2}(?: ?[A-Z0-9]){10,32}/g;

export interface IbanMatch extends Match<string> { check: IbanCheck }

export function findIbans(s: string): IbanMatch[] {
  const text = s.toUpperCase();
  const out: IbanMatch[] = [];
  for (const m of text.matchAll(IBAN_CANDIDATE)) {
    const fix = (c: string): string => c.slice(0, 2) + ocrDigits(c.slice(2, 4)) + c.slice(4);
    const best = bestPrefix(m[0], (c) => (validateIban(fix(c)).valid ? 2 : 0));
    if (!best) continue;
    const check = validateIban(fix(best));
    out.push({ value: check.normalized, start: m.index, end: m.index + best.length, check });
  }
  return out;
}

/** The longest prefix of `s` that ends before a separator (or at the end) and scores highest. */
function bestPrefix(s: string, score: (candidate: string) => number): string | null {
  let best: { text: string; score: number } | null = null;
  for (let end = s.length; end >= 4; end--) {
    if (end < s.length && !/[ .\-/]/.test(s[end]!)) continue;
    const candidate = s.slice(0, end);
    if (/[ .\-/]$/.test(candidate)) continue;
    const sc = score(candidate);
    if (sc > 0 && (!best || sc > best.score)) best = { text: candidate, score: sc };
    if (best?.score === 2) break;
  }
  return best?.text ?? null;
}

/** "Nr.", "No", "N°", "#": a word that announces a number and is not part of it. */
const NUMBER_WORD = /^(?:nr|no|n°|nº|num(?:ber|mer|ero|éro)?|#)\.?\s*:?\s*/i;
/** What ends a number: "von", "vom", "du", "van", "of", "dated", "le", "d.d." or a date. */
const NUMBER_END = /\s+(?:du|van|vom|von|of|dated|le|d\.d\.)\b.*$|\s+\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b.*$/i;

/**
 * An invoice number: the first word group after its label, up to a wide gap. It must hold a
 * digit (a bare word after "Invoice" is more likely the next label) and stays under 40
 * characters. "Nr. RK-17" and "des Versicherers Nr. 00.123.456.7" give what follows the
 * "Nr."; "RE-2024/506 von 12.03.2024" stops before "von".
 */
export function findDocumentNumber(s: string): Match<string> | null {
  let offset = 0;
  // words before a "Nr." are a description ("des Versicherers Nr. 123"): the number follows it
  const announced = /(?:^|\s)(?:(?:nr|no)(?:[.:]|\s)|n[°º])\s*:?\s*(?=[A-Za-z0-9]*\d)/i.exec(s.split(/\s{3,}/)[0]!);
  if (announced) offset = announced.index + announced[0].length;
  else {
    const lead = NUMBER_WORD.exec(s)?.[0].length ?? 0;
    offset = lead;
  }
  const rest = s.slice(offset);
  const m = /[A-Za-z0-9][A-Za-z0-9\-/._]*(?: [\-/] ?[A-Za-z0-9][A-Za-z0-9\-/._]*| [A-Za-z0-9][A-Za-z0-9\-/._]*)*/.exec(rest);
  if (!m) return null;
  // a trailing date or words that belong to the next label are not part of it
  const value = m[0].replace(NUMBER_END, '').replace(/[.\-/]+$/, '');
  if (!/\d/.test(value) || value.length > 40) return null;
  return { value, start: offset + m.index, end: offset + m.index + value.length };
}
