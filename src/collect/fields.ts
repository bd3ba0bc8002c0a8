import type { DocumentMeta } from '../catalog/documents.js';
import type { ExtractionSummary, StoredField } from '../catalog/inbox.js';
import type { DocumentType } from '../domain/documents.js';
import { canonicalDecimal, normalizeVatId, type ExtractionResult } from '../extract/index.js';

/**
 * From what reading a document produced to what the inbox shows (the fields, each with its
 * confidence and where it was read) and what the vault records (type, number, date, ...).
 */
export function inboxFields(result: ExtractionResult | null): Record<string, StoredField> {
  if (!result?.ok) return {};
  const out: Record<string, StoredField> = {};
  for (const [name, field] of Object.entries(result.fields)) {
    if (field) out[name] = { value: field.value, confidence: field.confidence, provenance: field.provenance };
  }
  return out;
}

export function extractionSummary(result: ExtractionResult | null, skipped?: string): ExtractionSummary {
  if (!result) return { ok: false, source: null, reason: 'not_read', message: skipped ?? 'The document was not read.', warnings: [], pages: null };
  if (!result.ok) return { ok: false, source: null, reason: result.reason, message: result.message, warnings: [], pages: null };
  return {
    ok: true, source: result.source, reason: null, message: null, pages: result.pages,
    warnings: result.warnings.map((w) => ({ code: w.code, message: w.message, ...(w.field && { field: w.field }) })),
  };
}

const text = (fields: Record<string, StoredField>, name: string): string | null => {
  const v = fields[name]?.value;
  return typeof v === 'string' && v.trim() ? v.trim() : null;
};

const squash = (s: string) => s.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]/g, '');

/**
 * Sales or purchase: a document the company itself issued names it as the seller. Anything
 * collected from a client is a purchase document unless its seller is the company.
 */
function documentType(fields: Record<string, StoredField>, companyName: string): DocumentType {
  const kind = fields.documentType?.value;
  if (kind !== 'invoice' && kind !== 'credit_note') return 'other';
  const seller = text(fields, 'sellerName');
  const own = !!seller && squash(companyName).length > 2 && squash(seller).includes(squash(companyName));
  if (kind === 'credit_note') return own ? 'credit_note' : 'purchase_credit_note';
  return own ? 'invoice' : 'purchase_invoice';
}

/** The vault's metadata for a collected document; `fallbackDate` (the file's date) when none was read. */
export function documentMeta(fields: Record<string, StoredField>, companyName: string, fallbackDate: string): DocumentMeta {
  const amount = text(fields, 'totalWithVat') ?? text(fields, 'amountDue');
  return {
    type: documentType(fields, companyName),
    number: text(fields, 'number'),
    date: text(fields, 'issueDate') ?? fallbackDate,
    counterparty: text(fields, 'sellerName'),
    amount: amount && /^-?\d{1,15}(\.\d{1,6})?$/.test(amount) ? amount : null,
    currency: text(fields, 'currency')?.toUpperCase() ?? null,
    businessAccount: null,
  };
}

/** A value the reader proposes for one of the document's fields, with how sure it is (0..1). */
export interface Proposed { value: string; confidence: number }
export const PREFILL_FIELDS = ['type', 'number', 'date', 'counterparty', 'amount', 'currency'] as const;
export type Prefill = Partial<Record<(typeof PREFILL_FIELDS)[number], Proposed>>;

/**
 * What an upload form can fill in from a reading, for the user to confirm: only values that
 * were read (nothing made up), each with its confidence so the form can flag the unsure ones.
 * The counterparty of a sales document is its buyer, of a purchase document its seller.
 */
export function prefill(result: ExtractionResult | null, companyName: string): Prefill {
  const fields = inboxFields(result);
  const out: Prefill = {};
  const put = (key: keyof Prefill, name: string, value = text(fields, name)) => {
    if (value) out[key] = { value, confidence: fields[name]!.confidence };
  };
  const type = documentType(fields, companyName);
  if (type !== 'other') put('type', 'documentType', type);
  put('number', 'number');
  put('date', 'issueDate');
  put('counterparty', type === 'invoice' || type === 'credit_note' ? 'buyerName' : 'sellerName');
  const amountField = text(fields, 'totalWithVat') ? 'totalWithVat' : 'amountDue';
  const amount = text(fields, amountField);
  if (amount && /^-?\d{1,15}(\.\d{1,6})?$/.test(amount)) put('amount', amountField, amount);
  const currency = text(fields, 'currency');
  if (currency && /^[A-Za-z]{3}$/.test(currency)) put('currency', 'currency', currency.toUpperCase());
  return out;
}

/**
 * Supplier + number + amount, normalised, or null when one is unknown. Two documents with the
 * same key are likely the same invoice sent twice (a scan and the PDF, say).
 */
export function dedupeKey(fields: Record<string, StoredField>): string | null {
  const vat = text(fields, 'sellerVatId');
  const name = text(fields, 'sellerName');
  const supplier = vat ? normalizeVatId(vat) : name ? squash(name) : null;
  const number = text(fields, 'number')?.toUpperCase().replace(/[^A-Z0-9]/g, '');
  const raw = text(fields, 'totalWithVat') ?? text(fields, 'amountDue');
  const amount = raw ? canonicalDecimal(raw)?.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '') : null;
  if (!supplier || !number || !amount) return null;
  return `${supplier}|${number}|${amount}`;
}
