import type { Language } from '../../domain/documents.js';
import type { DecimalString } from '../types.js';

/**
 * Amounts as people print them: "1.234,56" (nl, de), "1 234,56" (fr), "1,234.56" (en),
 * "1234.56", "€ 12,50", "12,50 €", "EUR -12,50", "12,50-", "(12.50)", "12,-". The result is a
 * canonical decimal string, or null when the text is not an amount or is ambiguous in a way
 * the locale cannot settle.
 */

export interface ParsedAmount {
  value: DecimalString;
  /** ISO 4217 code when the text names or shows one. */
  currency: string | null;
}

const SYMBOLS: Record<string, string> = { '€': 'EUR', '$': 'USD', '£': 'GBP', '¥': 'JPY', 'FR.': 'CHF', 'SFR.': 'CHF' };
const CURRENCY = /^(€|\$|£|¥|S?FR\.|[A-Z]{3})/;
const CURRENCY_END = /(€|\$|£|¥|S?FR\.|[A-Z]{3})$/;
/** Locales that write the decimal part after a comma. */
const COMMA_DECIMAL: ReadonlySet<Language> = new Set(['nl', 'fr', 'de']);

export function parseAmount(text: string, locale?: Language): ParsedAmount | null {
  let s = text.trim().replace(/[\u2212\u2012\u2013]/g, '-').toUpperCase();
  let currency: string | null = null;
  let negative = false;

  const takeCurrency = (): void => {
    const head = CURRENCY.exec(s);
    if (head && !currency) { currency = SYMBOLS[head[1]!] ?? head[1]!; s = s.slice(head[0].length).trim(); }
    const tail = CURRENCY_END.exec(s);
    if (tail && !currency) { currency = SYMBOLS[tail[1]!] ?? tail[1]!; s = s.slice(0, -tail[0].length).trim(); }
  };
  const takeSign = (): void => {
    if (s.startsWith('(') && s.endsWith(')')) { negative = !negative; s = s.slice(1, -1).trim(); }
    if (s.startsWith('-')) { negative = !negative; s = s.slice(1).trim(); } else if (s.startsWith('+')) s = s.slice(1).trim();
    if (s.endsWith('-') && !/[.,]-+$/.test(s)) { negative = !negative; s = s.slice(0, -1).trim(); }
  };
  // sign and currency come in either order: "-€ 12,50", "€ -12,50", "(EUR 12.50)"
  takeSign();
  takeCurrency();
  takeSign();

  s = s.replace(/([.,])-{1,2}$/, '$100'); // "12,-" and "12,--" are whole amounts
  if (!/^\d[\d.,'’\s\u00a0\u202f]*$/.test(s) || !/\d$/.test(s)) return null;
  const number = splitNumber(s, locale);
  if (!number) return null;
  const intDigits = number.int.replace(/^0+(?=\d)/, '');
  const value = number.frac ? `${intDigits}.${number.frac}` : intDigits;
  return { value: negative && /[1-9]/.test(value) ? `-${value}` : value, currency };
}

/** Decides which separator is the decimal point and checks the thousands grouping. */
function splitNumber(s: string, locale: Language | undefined): { int: string; frac: string } | null {
  const compact = s.replace(/['’\s\u00a0\u202f]/g, ' ');
  const lastDot = compact.lastIndexOf('.');
  const lastComma = compact.lastIndexOf(',');
  let decimalSep: '.' | ',' | null = null;

  if (lastDot >= 0 && lastComma >= 0) {
    decimalSep = lastDot > lastComma ? '.' : ',';
  } else if (lastDot >= 0 || lastComma >= 0) {
    const sep = lastDot >= 0 ? '.' : ',';
    const count = compact.split(sep).length - 1;
    const after = compact.slice(compact.lastIndexOf(sep) + 1);
    const before = compact.slice(0, compact.indexOf(sep)).replace(/ /g, '');
    if (count > 1) decimalSep = null;
    else if (after.length !== 3 || /^0*$/.test(before)) decimalSep = sep;
    else if (locale) decimalSep = (sep === ',') === COMMA_DECIMAL.has(locale) ? sep : null;
    else return null; // "1.234" without a locale may be 1234 or 1.234: refuse to guess
  }

  const thousandsSeps = decimalSep === '.' ? /[, ]/ : decimalSep === ',' ? /[. ]/ : /[., ]/;
  let intPart = compact;
  let frac = '';
  if (decimalSep) {
    const at = compact.lastIndexOf(decimalSep);
    intPart = compact.slice(0, at);
    frac = compact.slice(at + 1);
    if (!/^\d+$/.test(frac)) return null;
  }
  if (decimalSep && intPart.includes(decimalSep)) return null;
  const groups = intPart.split(thousandsSeps);
  if (groups.length > 1) {
    // one kind of thousands separator, groups of three after the first
    const used = new Set(intPart.replace(/\d/g, ''));
    if (used.size > 1) return null;
    if (!/^\d{1,3}$/.test(groups[0]!) || groups.slice(1).some((g) => !/^\d{3}$/.test(g))) return null;
  } else if (!/^\d+$/.test(intPart)) {
    return null;
  }
  return { int: groups.join(''), frac };
}
