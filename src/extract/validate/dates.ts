import type { Language } from '../../domain/documents.js';
import type { IsoDate } from '../types.js';

/**
 * Dates as invoices print them, in nl, fr, de and en: "14/03/2024", "14.03.2024",
 * "14-03-2024", "2024-03-14", "14 mars 2024", "1er mars 2024", "14. März 2024",
 * "14 maart 2024", "March 14, 2024", "14 March 2024". Only real calendar dates pass:
 * 31/04 or 29/02/2023 are rejected, so a misread digit does not become a date.
 */

const MONTHS: Record<string, number> = {};
function addMonths(names: string[][]): void {
  names.forEach((variants, i) => { for (const v of variants) MONTHS[v] = i + 1; });
}
// accents are stripped before lookup, so "février" and "fevrier" both match "fevrier"
addMonths([ // en
  ['january', 'jan'], ['february', 'feb'], ['march', 'mar'], ['april', 'apr'], ['may'], ['june', 'jun'],
  ['july', 'jul'], ['august', 'aug'], ['september', 'sep', 'sept'], ['october', 'oct'], ['november', 'nov'], ['december', 'dec'],
]);
addMonths([ // fr
  ['janvier', 'janv'], ['fevrier', 'fevr', 'fev'], ['mars'], ['avril', 'avr'], ['mai'], ['juin'],
  ['juillet', 'juil'], ['aout'], ['septembre'], ['octobre'], ['novembre'], ['decembre'],
]);
addMonths([ // de (with the Austrian Jänner)
  ['januar', 'janner'], ['februar'], ['marz', 'maerz', 'mrz'], [], [], ['juni'],
  ['juli'], [], [], ['oktober', 'okt'], [], ['dezember', 'dez'],
]);
addMonths([ // nl
  ['januari'], ['februari'], ['maart', 'mrt'], [], ['mei'], [],
  [], ['augustus'], [], [], [], [],
]);

const stripAccents = (s: string): string => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '');

/** A real calendar date as YYYY-MM-DD, or null. Years outside 1900..2199 are taken as misreads. */
export function isoDate(year: number, month: number, day: number): IsoDate | null {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return null;
  if (year < 1900 || year > 2199 || month < 1 || month > 12 || day < 1) return null;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  if (day > days) return null;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const fullYear = (y: string): number => (y.length === 2 ? 2000 + Number(y) : Number(y));

/** UN/CEFACT date format 102 (CCYYMMDD), as CII writes dates. */
export function parseCompactDate(text: string): IsoDate | null {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(text.trim());
  return m ? isoDate(Number(m[1]), Number(m[2]), Number(m[3])) : null;
}

/**
 * Numeric dates are day-first, as in every locale we serve; with `locale` 'en' a date that is
 * impossible day-first but valid month-first ("03/14/2024") is read the American way.
 */
export function parseDate(text: string, locale?: Language): IsoDate | null {
  const s = stripAccents(text.trim().toLowerCase()).replace(/\s+/g, ' ');

  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (m) return isoDate(Number(m[1]), Number(m[2]), Number(m[3]));

  m = /^(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})$/.exec(s);
  if (m) {
    const year = fullYear(m[4]!);
    const dayFirst = isoDate(year, Number(m[3]), Number(m[1]));
    if (dayFirst || locale !== 'en') return dayFirst;
    return isoDate(year, Number(m[1]), Number(m[3]));
  }

  // "14 mars 2024", "1er mars 2024", "14. März 2024", "14th March 2024", "14-Mar-2024"
  m = /^(\d{1,2})(?:er|st|nd|rd|th|\.)?[ -]?([a-z]+)\.?,?[ -]?(\d{4})$/.exec(s);
  if (m) {
    const month = MONTHS[m[2]!];
    return month ? isoDate(Number(m[3]), month, Number(m[1])) : null;
  }

  // "March 14, 2024", "Mar. 14 2024"
  m = /^([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})$/.exec(s);
  if (m) {
    const month = MONTHS[m[1]!];
    return month ? isoDate(Number(m[3]), month, Number(m[2])) : null;
  }
  return null;
}
