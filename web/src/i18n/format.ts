import { useTranslation } from 'react-i18next';

/**
 * Dates, numbers, amounts and sizes in the user's locale: the chosen language, with the
 * browser's region when it has one for that language (nl-BE, fr-CH, de-AT...).
 */
export function localeFor(language: string): string {
  const regional = globalThis.navigator?.languages?.find((l) => l.toLowerCase().startsWith(`${language}-`));
  return regional ?? language;
}

export interface Format {
  locale: string;
  date(iso: string | null | undefined): string;
  dateTime(iso: string | null | undefined): string;
  number(n: number): string;
  amount(amount: string | null, currency: string | null): string;
  bytes(n: number | null | undefined): string;
}

const UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

export function makeFormat(language: string): Format {
  const locale = localeFor(language);
  const dateOnly = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const number = new Intl.NumberFormat(locale);
  return {
    locale,
    // A document's date is a calendar day (YYYY-MM-DD): shown as that day wherever the user is.
    date: (iso) => (iso ? dateOnly.format(new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso)) : '—'),
    dateTime: (iso) => (iso ? dateTime.format(new Date(iso)) : '—'),
    number: (n) => number.format(n),
    amount: (amount, currency) => {
      if (amount === null) return '—';
      const value = Number(amount);
      if (!currency) return number.format(value);
      try { return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(value); } catch { return `${number.format(value)} ${currency}`; }
    },
    bytes: (n) => {
      if (n === null || n === undefined) return '—';
      let i = 0;
      let v = n;
      // Whole bytes are written out (835 bytes, 835 octets): the short unit reads as one byte.
      while (v >= 1024 && i < UNITS.length - 1) { v /= 1024; i++; }
      return new Intl.NumberFormat(locale, { style: 'unit', unit: UNITS[i], unitDisplay: i === 0 ? 'long' : 'short', maximumFractionDigits: i === 0 ? 0 : 1 }).format(v);
    },
  };
}

export function useFormat(): Format {
  const { i18n } = useTranslation();
  return makeFormat(i18n.language);
}
