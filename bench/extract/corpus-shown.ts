import type { CorpusField } from './corpus-truth.js';

/**
 * Whether a document's own text shows a value, in any of the usual ways of writing it: some
 * corpus examples were made by hand and their picture and XML disagree, and a field the page
 * does not show cannot be asked of a text reader.
 */

const compact = (s: string): string => s.normalize('NFD').replace(/[^\p{L}\p{N}]/gu, '').toUpperCase();

const MONTHS = [
  ['jan', 'janv', 'januar', 'januari', 'janvier', 'january'], ['feb', 'fev', 'februar', 'februari', 'fevrier', 'february'],
  ['mar', 'marz', 'maart', 'mars', 'march'], ['apr', 'avr', 'april', 'avril'], ['mai', 'mei', 'may'], ['jun', 'juni', 'juin', 'june'],
  ['jul', 'juli', 'juillet', 'july'], ['aug', 'augustus', 'aout', 'august'], ['sep', 'sept', 'september', 'septembre'],
  ['okt', 'oct', 'oktober', 'october', 'octobre'], ['nov', 'november', 'novembre'], ['dez', 'dec', 'dezember', 'december', 'decembre'],
];

function showsDate(iso: string, text: string): boolean {
  const [y, m, d] = iso.split('-') as [string, string, string];
  const day = `0?${Number(d)}`, month = `0?${Number(m)}`, year = `(?:${y}|${y.slice(2)})`;
  const numeric = new RegExp(`(?<!\\d)(?:${day}\\s?[./-]\\s?${month}\\s?[./-]\\s?${year}|${y}-${m}-${d}|${month}/${day}/${y})(?!\\d)`);
  const folded = text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  const named = new RegExp(`(?<!\\d)${day}(?:er)?\\.?\\s+(?:${MONTHS[Number(m) - 1]!.join('|')})\\.?\\s+${y}`);
  return numeric.test(text) || named.test(folded);
}

/** 1234.5 as 1234,50 / 1.234,50 / 1,234.50 / 1 234,50 / 1'234.50, with or without a sign. */
function showsAmount(value: string, text: string): boolean {
  const [int = '0', frac = ''] = value.replace(/^-/, '').split('.');
  const groups = int.replace(/\B(?=(\d{3})+(?!\d))/g, ' ').split(' ');
  const decimals = frac.padEnd(2, '0');
  const pattern = new RegExp(`(?<![\\d.,])${groups.join('[.,\' \\u00a0\\u202f]?')}[.,]${decimals}0*(?!\\d)`);
  return pattern.test(text);
}

const SYMBOLS: Record<string, string> = { EUR: '€', GBP: '£', USD: '$', CHF: 'CHF' };

export function shownInText(field: CorpusField, value: string, text: string): boolean {
  switch (field) {
    case 'documentType': return true;
    case 'issueDate': return showsDate(value, text);
    case 'totalWithVat': case 'amountDue': return showsAmount(value, text);
    case 'currency': return text.includes(value) || (SYMBOLS[value] !== undefined && text.includes(SYMBOLS[value]));
    default: return compact(value).length > 0 && compact(text).includes(compact(value));
  }
}
