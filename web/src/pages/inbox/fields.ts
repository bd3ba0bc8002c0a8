import type { Schemas } from '../../api/client';
import type { Format } from '../../i18n/format';

export type InboxItem = Schemas['InboxItem'];
export type StoredField = InboxItem['fields'][string];

/** The fields a document can have, in the order a person checks them (the server's FIELD_NAMES). */
export const FIELD_ORDER = [
  'documentType', 'typeCode', 'number', 'issueDate', 'dueDate', 'currency',
  'sellerName', 'sellerVatId', 'buyerName', 'buyerVatId', 'iban', 'paymentReference',
  'lineTotal', 'allowanceTotal', 'chargeTotal', 'totalWithoutVat', 'totalVat', 'totalWithVat',
  'prepaidAmount', 'roundingAmount', 'amountDue',
] as const;
export type FieldName = (typeof FIELD_ORDER)[number];

/** Shown even when nothing was read, so they can be typed in: what booking a document needs. */
const ALWAYS: readonly FieldName[] = ['number', 'issueDate', 'sellerName', 'currency', 'totalWithVat'];
const DATES: readonly FieldName[] = ['issueDate', 'dueDate'];
const AMOUNTS: readonly FieldName[] = ['lineTotal', 'allowanceTotal', 'chargeTotal', 'totalWithoutVat', 'totalVat', 'totalWithVat', 'prepaidAmount', 'roundingAmount', 'amountDue'];

/** Below this, a value was guessed rather than read for sure: the page marks it for checking. */
export const LOW_CONFIDENCE = 0.8;

export const isLow = (f: StoredField | undefined): boolean => !!f && f.confidence < LOW_CONFIDENCE;

export function shownFields(item: InboxItem): FieldName[] {
  return FIELD_ORDER.filter((name) => item.fields[name] || ALWAYS.includes(name));
}

export const lowCount = (item: InboxItem): number => Object.values(item.fields).filter(isLow).length;

/** The value as the form edits it: always text, as the server stores it. */
export const asText = (f: StoredField | undefined): string => (f === undefined || f.value === null ? '' : typeof f.value === 'string' ? f.value : JSON.stringify(f.value));

/** How a value reads in the user's locale (dates and amounts), beside the raw text the form edits. */
export function readable(name: FieldName, text: string, currency: string | null, format: Format): string | null {
  if (!text) return null;
  if (DATES.includes(name) && /^\d{4}-\d{2}-\d{2}$/.test(text)) return format.date(text);
  if (AMOUNTS.includes(name) && /^-?\d+(\.\d+)?$/.test(text)) return format.amount(text, currency && /^[A-Z]{3}$/i.test(currency) ? currency.toUpperCase() : null);
  return null;
}

/** A line of the queue: who sent it, how much, when. */
export function summary(item: InboxItem, format: Format): { title: string; detail: string } {
  const text = (n: FieldName) => asText(item.fields[n]);
  const amount = readable('totalWithVat', text('totalWithVat') || text('amountDue'), text('currency') || null, format);
  const date = readable('issueDate', text('issueDate'), null, format);
  return { title: text('sellerName') || item.filename, detail: [text('number'), date, amount].filter(Boolean).join(' · ') };
}
