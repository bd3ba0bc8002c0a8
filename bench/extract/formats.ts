import type { Language } from '../../src/domain/documents.js';

/**
 * How each language prints what the renderer puts on the page: labels, amounts, dates. Two
 * styles each, so layouts differ in more than placement (1.234,56 EUR or € 1.234,56;
 * 14.03.2024 or 14. März 2024).
 */

export interface Words {
  invoice: string; creditNote: string; number: string; date: string; dueDate: string; seller: string; buyer: string;
  vat: string; buyerVat: string; description: string; quantity: string; price: string; amount: string;
  net: string; vatTotal: string; gross: string; prepaid: string; due: string; iban: string; reference: string; vatRow: string;
}

export const WORDS: Record<Language, Words> = {
  nl: { invoice: 'FACTUUR', creditNote: 'CREDITNOTA', number: 'Factuurnummer', date: 'Factuurdatum', dueDate: 'Vervaldatum', seller: 'Leverancier',
    buyer: 'Factuur aan', vat: 'BTW-nr', buyerVat: 'Uw BTW-nummer', description: 'Omschrijving', quantity: 'Aantal', price: 'Prijs', amount: 'Bedrag',
    net: 'Totaal excl. btw', vatTotal: 'Totaal btw', gross: 'Totaal incl. btw', prepaid: 'Reeds betaald', due: 'Te betalen', iban: 'IBAN',
    reference: 'Mededeling', vatRow: 'BTW' },
  fr: { invoice: 'FACTURE', creditNote: 'NOTE DE CRÉDIT', number: 'N° de facture', date: 'Date de facture', dueDate: 'Échéance', seller: 'Fournisseur',
    buyer: 'Facturé à', vat: 'N° TVA', buyerVat: 'Votre n° TVA', description: 'Description', quantity: 'Quantité', price: 'Prix unitaire', amount: 'Montant',
    net: 'Total HT', vatTotal: 'Total TVA', gross: 'Total TTC', prepaid: 'Acompte versé', due: 'Net à payer', iban: 'IBAN',
    reference: 'Communication', vatRow: 'TVA' },
  de: { invoice: 'RECHNUNG', creditNote: 'GUTSCHRIFT', number: 'Rechnungsnummer', date: 'Rechnungsdatum', dueDate: 'Fällig am', seller: 'Lieferant',
    buyer: 'Rechnung an', vat: 'USt-IdNr.', buyerVat: 'Ihre USt-IdNr.', description: 'Beschreibung', quantity: 'Menge', price: 'Einzelpreis', amount: 'Betrag',
    net: 'Summe netto', vatTotal: 'Summe MwSt.', gross: 'Gesamtbetrag', prepaid: 'Bereits bezahlt', due: 'Zahlbetrag', iban: 'IBAN',
    reference: 'Verwendungszweck', vatRow: 'MwSt.' },
  en: { invoice: 'INVOICE', creditNote: 'CREDIT NOTE', number: 'Invoice number', date: 'Invoice date', dueDate: 'Due date', seller: 'Seller',
    buyer: 'Bill to', vat: 'VAT number', buyerVat: 'Customer VAT number', description: 'Description', quantity: 'Qty', price: 'Unit price', amount: 'Amount',
    net: 'Total excl. VAT', vatTotal: 'Total VAT', gross: 'Total incl. VAT', prepaid: 'Amount paid', due: 'Amount due', iban: 'IBAN',
    reference: 'Payment reference', vatRow: 'VAT' },
};

const SEPARATORS: Record<Language, { thousands: string; decimal: string }> = {
  nl: { thousands: '.', decimal: ',' }, fr: { thousands: ' ', decimal: ',' }, de: { thousands: '.', decimal: ',' }, en: { thousands: ',', decimal: '.' },
};

/** "1234.5" as the language writes it, with at least two decimals; style 1 puts the currency first. */
export function formatAmount(value: string, currency: string | undefined, lang: Language, style: 0 | 1): string {
  const negative = value.startsWith('-');
  const [int = '0', frac = ''] = value.replace(/^-/, '').split('.');
  const { thousands, decimal } = SEPARATORS[lang];
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, thousands);
  const number = `${negative ? '-' : ''}${grouped}${decimal}${frac.padEnd(2, '0')}`;
  const symbol = currency === 'EUR' ? '€' : currency ?? '';
  if (!symbol) return number;
  if (style === 1) return lang === 'en' && symbol === '€' ? `€${number}` : `${symbol} ${number}`;
  return `${number} ${currency ?? ''}`.trim();
}

const MONTHS: Record<Language, string[]> = {
  nl: ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december'],
  fr: ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'],
  de: ['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'Dezember'],
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
};

/** 2024-03-14 as the language writes it: numeric (style 0) or with the month's name (style 1). */
export function formatDate(iso: string, lang: Language, style: 0 | 1): string {
  const [y, m, d] = iso.split('-');
  const day = String(Number(d));
  if (style === 1) {
    const month = MONTHS[lang][Number(m) - 1]!;
    if (lang === 'de') return `${day}. ${month} ${y}`;
    if (lang === 'fr') return `${day === '1' ? '1er' : day} ${month} ${y}`;
    return `${day} ${month} ${y}`;
  }
  if (lang === 'de') return `${d}.${m}.${y}`;
  if (lang === 'nl') return `${d}-${m}-${y}`;
  return `${d}/${m}/${y}`;
}

/** WinAnsi (the standard fonts' encoding) has Latin-1 and a few more; other letters lose their accents. */
export function winAnsi(text: string): string {
  const extra = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
  return [...text].map((ch) => {
    const code = ch.charCodeAt(0);
    if ((code >= 0x20 && code < 0x7f) || (code >= 0xa0 && code <= 0xff) || extra.has(ch)) return ch;
    const plain = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    return /^[\x20-\x7e]+$/.test(plain) ? plain : '?';
  }).join('');
}
