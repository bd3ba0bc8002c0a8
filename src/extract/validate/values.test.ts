import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Language } from '../../domain/documents.js';
import { parseAmount } from './amounts.js';
import { parseCompactDate, parseDate } from './dates.js';
import { checkTotals } from './totals.js';
import { canonicalDecimal, parseDecimal } from './decimal.js';

describe('amounts', () => {
  const table: Array<[string, Language | undefined, string | null, string | null]> = [
    ['1.234,56', 'nl', '1234.56', null],
    ['1.234,56', undefined, '1234.56', null],
    ['1 234,56', 'fr', '1234.56', null],
    ['1\u202f234,56 €', 'fr', '1234.56', 'EUR'], // narrow no-break space, as fr-FR prints it
    ['1,234.56', 'en', '1234.56', null],
    ['1234.56', 'de', '1234.56', null],
    ['€ 12,50', 'nl', '12.50', 'EUR'],
    ['12,50 €', 'fr', '12.50', 'EUR'],
    ['EUR 1.234.567,89', 'de', '1234567.89', 'EUR'],
    ['-12,50', 'nl', '-12.50', null],
    ['12,50-', 'de', '-12.50', null],
    ['(12.50)', 'en', '-12.50', null],
    ['-€ 12,50', 'nl', '-12.50', 'EUR'],
    ['€ -12,50', 'nl', '-12.50', 'EUR'],
    ['\u2212 3,00', 'fr', '-3.00', null], // a real minus sign
    ['12,-', 'nl', '12.00', null],
    ['CHF 1\'234.50', 'de', '1234.50', 'CHF'],
    ['$1,000', 'en', '1000', 'USD'],
    ['1.234', 'nl', '1234', null], // a thousands point in nl
    ['1.234', 'en', '1.234', null], // a decimal point in en
    ['1,234', 'fr', '1.234', null],
    ['1.234', undefined, null, null], // without a locale, refuse to guess
    ['0,125', undefined, '0.125', null],
    ['-0,00', 'nl', '0.00', null],
    ['1.23.45', 'nl', null, null], // thousands groups have three digits
    ['1.234 567,00', 'fr', null, null], // two kinds of thousands separator
    ['12a', 'nl', null, null],
    ['', 'nl', null, null],
    ['EUR', 'nl', null, null],
  ];
  for (const [text, locale, value, currency] of table) {
    it(`"${text}" (${locale ?? 'no locale'}) is ${value ?? 'not an amount'}`, () => {
      const parsed = parseAmount(text, locale);
      assert.deepEqual(parsed, value === null ? null : { value, currency });
    });
  }
});

describe('dates', () => {
  const table: Array<[string, Language | undefined, string | null]> = [
    ['14/03/2024', 'nl', '2024-03-14'],
    ['14.03.2024', 'de', '2024-03-14'],
    ['14-03-2024', 'fr', '2024-03-14'],
    ['4/3/24', 'nl', '2024-03-04'],
    ['2024-03-14', undefined, '2024-03-14'],
    ['14 mars 2024', 'fr', '2024-03-14'],
    ['1er mars 2024', 'fr', '2024-03-01'],
    ['3 février 2024', 'fr', '2024-02-03'],
    ['14 août 2024', 'fr', '2024-08-14'],
    ['14. März 2024', 'de', '2024-03-14'],
    ['1. Dezember 2023', 'de', '2023-12-01'],
    ['14 maart 2024', 'nl', '2024-03-14'],
    ['3 mei 2024', 'nl', '2024-05-03'],
    ['March 14, 2024', 'en', '2024-03-14'],
    ['14 March 2024', 'en', '2024-03-14'],
    ['Sept. 3, 2024', 'en', '2024-09-03'],
    ['03/14/2024', 'en', '2024-03-14'], // impossible day-first, so month-first in English
    ['03/14/2024', 'nl', null], // but never in nl
    ['29/02/2024', 'nl', '2024-02-29'], // a leap year
    ['29/02/2023', 'nl', null],
    ['31/04/2024', 'fr', null],
    ['31.12.1899', 'de', null], // out of range: a misread
    ['14 mrz 2024', 'de', '2024-03-14'],
    ['14 foo 2024', 'en', null],
    ['14/03-2024', 'nl', null], // mixed separators
  ];
  for (const [text, locale, expected] of table) {
    it(`"${text}" is ${expected ?? 'not a date'}`, () => assert.equal(parseDate(text, locale), expected));
  }

  it('reads CII format 102', () => {
    assert.equal(parseCompactDate('20240314'), '2024-03-14');
    assert.equal(parseCompactDate('20240230'), null);
    assert.equal(parseCompactDate('2024-03-14'), null);
  });
});

describe('decimals', () => {
  it('reads xsd:decimal and keeps its digits', () => {
    assert.deepEqual(parseDecimal('-12.50'), { units: -1250n, scale: 2 });
    assert.equal(canonicalDecimal('+1436.5'), '1436.5');
    assert.equal(canonicalDecimal('.5'), '0.5');
    assert.equal(canonicalDecimal('7.'), '7');
    assert.equal(canonicalDecimal('1,5'), null);
    assert.equal(canonicalDecimal('-'), null);
  });
});

describe('totals', () => {
  const invoice = {
    currency: 'EUR',
    lines: [{ netAmount: '100.00', vatCategory: 'S', vatRate: '21' }, { netAmount: '50.00', vatCategory: 'S', vatRate: '6' }],
    lineTotal: '150.00', totalWithoutVat: '150.00', totalVat: '24.00', totalWithVat: '174.00', amountDue: '174.00',
    breakdown: [
      { category: 'S', rate: '21', taxableAmount: '100.00', taxAmount: '21.00' },
      { category: 'S', rate: '6', taxableAmount: '50.00', taxAmount: '3.00' },
    ],
  };

  it('accepts an invoice that adds up', () => assert.deepEqual(checkTotals(invoice), []));

  it('computes exactly: 0.10 + 0.20 is 0.30, and 720.81 + 0.01 - 720.81 - 0.01 is 0', () => {
    assert.deepEqual(checkTotals({ totalWithoutVat: '0.10', totalVat: '0.20', totalWithVat: '0.30' }), []);
    assert.deepEqual(checkTotals({ lines: ['720.81', '0.01', '-720.81', '-0.01'].map((netAmount) => ({ netAmount })), lineTotal: '0.00' }), []);
  });

  const broken: Array<[string, Record<string, unknown>, string, string | null]> = [
    ['lines that do not sum to the line total', { lineTotal: '151.00', totalWithoutVat: '151.00', totalWithVat: '175.00', amountDue: '175.00' }, 'lines', 'lineTotal'],
    ['a total without VAT that ignores a charge', { chargeTotal: '10.00' }, 'without_vat', 'totalWithoutVat'],
    ['a total with VAT that is not the sum', { totalWithVat: '175.00', amountDue: '175.00' }, 'with_vat', 'totalWithVat'],
    ['an amount due that forgets the prepayment', { prepaidAmount: '74.00' }, 'amount_due', 'amountDue'],
    ['a VAT breakdown that does not sum to the VAT total', { totalVat: '25.00', totalWithVat: '175.00', amountDue: '175.00' }, 'breakdown_vat', 'totalVat'],
    ['a rate that does not give its VAT amount', { breakdown: [
      { category: 'S', rate: '21', taxableAmount: '100.00', taxAmount: '20.00' },
      { category: 'S', rate: '6', taxableAmount: '50.00', taxAmount: '4.00' }] }, 'breakdown_rate', null],
  ];
  for (const [name, change, check, field] of broken) {
    it(`reports ${name}`, () => {
      const issues = checkTotals({ ...invoice, ...change });
      assert.ok(issues.some((i) => i.check === check && i.field === field), JSON.stringify(issues));
    });
  }

  it('allows a cent of rounding per part, not more', () => {
    assert.deepEqual(checkTotals({ totalWithoutVat: '10.00', totalVat: '2.10', totalWithVat: '12.11' }), []);
    const issues = checkTotals({ totalWithoutVat: '10.00', totalVat: '2.10', totalWithVat: '12.12' });
    assert.deepEqual(issues.map((i) => [i.check, i.stated, i.computed]), [['with_vat', '12.12', '12.10']]);
    assert.match(issues[0]!.message, /12\.10.*12\.12/);
  });

  it('judges forint amounts by whole forints', () => {
    const huf = { taxableAmount: '69180.00', taxAmount: '18679.00', rate: '27.00', category: 'S' }; // 18678.60 rounded
    assert.deepEqual(checkTotals({ currency: 'HUF', breakdown: [huf] }), []);
    assert.equal(checkTotals({ currency: 'EUR', breakdown: [huf] }).length, 1);
  });
});
