import type {
  AmountField, AttachmentInfo, Extraction, ExtractedLine, ExtractionWarning, Field, FieldName, Fields, FieldValues, InvoiceKind,
  Provenance, SourceKind, StructuredInfo, VatBreakdownEntry,
} from './types.js';
import { rawText, textOf, attrOf, type XmlElement } from './xml.js';
import { canonicalDecimal } from './validate/decimal.js';
import { isoDate, parseCompactDate } from './validate/dates.js';
import { validateVatId } from './validate/vat.js';
import { validateIban } from './validate/iban.js';
import { validateCreditorReference, validateStructuredCommunication } from './validate/be-structured.js';
import { checkTotals } from './validate/totals.js';

/**
 * Collects what a structured reader (UBL, CII) finds, each value with its XML path, and turns
 * it into an Extraction: validators run over the result, and whatever does not check out
 * becomes a warning. Values are kept as written; nothing here guesses.
 */

/** UNTDID 1001 codes that give money back; every other invoice code asks for it. */
const CREDIT_CODES = new Set(['81', '83', '261', '262', '296', '308', '381', '396', '420', '458', '532']);
const INVOICE_CODES = new Set([
  '71', '80', '82', '84', '102', '130', '202', '203', '204', '211', '218', '219', '295', '325', '326', '331', '380', '382',
  '383', '384', '385', '386', '387', '388', '389', '390', '393', '394', '395', '456', '457', '527', '553', '575', '623',
  '633', '751', '780', '817', '870', '875', '876', '877', '935',
]);

export function kindOfTypeCode(code: string | undefined): InvoiceKind | null {
  if (code === undefined) return null;
  if (CREDIT_CODES.has(code)) return 'credit_note';
  if (INVOICE_CODES.has(code)) return 'invoice';
  return null;
}

/** Fields an EN 16931 invoice must have; their absence is worth a warning even in a valid file. */
const REQUIRED: FieldName[] = ['number', 'issueDate', 'currency', 'sellerName', 'buyerName', 'totalWithoutVat', 'totalWithVat', 'amountDue'];

export class StructuredBuilder {
  readonly fields: Fields = {};
  readonly warnings: ExtractionWarning[] = [];
  readonly lines: ExtractedLine[] = [];
  readonly vatBreakdown: VatBreakdownEntry[] = [];

  set<K extends FieldName>(name: K, value: FieldValues[K], path: string): void {
    if (this.fields[name]) return; // the first occurrence wins, as EN 16931 has one value per term
    const field: Field<FieldValues[K]> = { value, confidence: 1, provenance: { kind: 'xml', path } };
    (this.fields as Record<FieldName, unknown>)[name] = field;
  }

  text(name: Exclude<FieldName, 'documentType' | 'issueDate' | 'dueDate' | AmountField>, el: XmlElement | undefined): void {
    const value = textOf(el);
    if (el && value !== undefined) this.set(name, value, el.path);
  }

  amount(name: AmountField, el: XmlElement | undefined): void {
    const value = this.decimal(el, name);
    if (el && value !== null) this.set(name, value, el.path);
  }

  /** A decimal from an element, or null (with a warning when something was there but unreadable). */
  decimal(el: XmlElement | undefined, field?: FieldName): string | null {
    const raw = textOf(el);
    if (!el || raw === undefined) return null;
    const value = canonicalDecimal(raw);
    if (value === null) this.warn('invalid_amount', `"${raw}" at ${el.path} is not a decimal number; it was left out.`, field, el.path);
    return value;
  }

  /** UBL dates are xsd:date (2024-03-14, perhaps with a zone); CII uses format 102 (20240314). */
  date(name: 'issueDate' | 'dueDate', el: XmlElement | undefined): void {
    const raw = textOf(el);
    if (!el || raw === undefined) return;
    const format = attrOf(el, 'format');
    let value: string | null = null;
    if (format === undefined || format === '102') value = parseCompactDate(raw);
    if (value === null && format === undefined) {
      const m = /^(\d{4})-(\d{2})-(\d{2})(?:Z|[+-]\d{2}:\d{2}|T.*)?$/.exec(raw);
      value = m ? isoDate(Number(m[1]), Number(m[2]), Number(m[3])) : null;
    }
    if (value === null) {
      this.warn('invalid_date', `"${raw}"${format ? ` (format ${format})` : ''} at ${el.path} is not a calendar date; it was left out.`, name, el.path);
      return;
    }
    this.set(name, value, el.path);
  }

  /** BT-3; a UBL CreditNote is a credit note whatever its code says. */
  documentType(root: XmlElement, codeEl: XmlElement | undefined, forced?: InvoiceKind): void {
    const code = textOf(codeEl);
    if (codeEl && code !== undefined) this.set('typeCode', code, codeEl.path);
    const kind = forced ?? kindOfTypeCode(code);
    if (!kind && code !== undefined) {
      this.warn('unknown_type_code', `Document type code ${code} is not a known invoice or credit note code; it was read as an invoice.`, 'typeCode', codeEl?.path);
    }
    this.set('documentType', kind ?? 'invoice', codeEl && code !== undefined ? codeEl.path : root.path);
  }

  warn(code: ExtractionWarning['code'], message: string, field?: FieldName, path?: string): void {
    this.warnings.push({ code, message, ...(field ? { field } : {}), ...(path ? { path } : {}) });
  }

  finish(source: SourceKind, structured: StructuredInfo, text: string): Extraction {
    this.validateIdentifiers();
    for (const name of REQUIRED) {
      if (!this.fields[name]) this.warn('missing_field', `The document has no ${label(name)}.`, name);
    }
    const value = (name: AmountField): string | undefined => this.fields[name]?.value;
    const issues = checkTotals({
      currency: this.fields.currency?.value,
      lines: this.lines, breakdown: this.vatBreakdown,
      lineTotal: value('lineTotal'), allowanceTotal: value('allowanceTotal'), chargeTotal: value('chargeTotal'),
      totalWithoutVat: value('totalWithoutVat'), totalVat: value('totalVat'), totalWithVat: value('totalWithVat'),
      prepaidAmount: value('prepaidAmount'), roundingAmount: value('roundingAmount'), amountDue: value('amountDue'),
    });
    for (const issue of issues) this.warn('totals_mismatch', issue.message, issue.field ?? undefined);
    return {
      ok: true, source, fields: this.fields, lines: this.lines, vatBreakdown: this.vatBreakdown,
      text, warnings: this.warnings, structured, pages: null,
    };
  }

  private validateIdentifiers(): void {
    for (const name of ['sellerVatId', 'buyerVatId'] as const) {
      const field = this.fields[name];
      if (!field) continue;
      const check = validateVatId(field.value);
      if (check.valid || check.problem === 'unknown_country') continue;
      const why = check.problem === 'check_digits' ? 'its check digits are wrong'
        : check.problem === 'no_country' ? 'it has no country prefix' : `it does not have the format of a ${check.country} VAT number`;
      this.warn('invalid_vat_id', `The ${label(name)} "${field.value}" is not a valid VAT number: ${why}.`, name, pathOf(field));
    }
    const iban = this.fields.iban;
    if (iban) {
      const check = validateIban(iban.value);
      if (!check.valid) {
        this.warn('invalid_iban', `The payment account "${iban.value}" is not a valid IBAN (${check.problem.replace('_', ' ')}); it may be a domestic account number.`, 'iban', pathOf(iban));
      }
    }
    const ref = this.fields.paymentReference;
    if (ref) {
      const belgian = /^[+*]{3}/.test(ref.value) || (/^\d{12}$/.test(ref.value) && this.isBelgian());
      const check = belgian ? validateStructuredCommunication(ref.value) : /^RF\d\d/i.test(ref.value) ? validateCreditorReference(ref.value) : null;
      if (check && !check.valid) {
        const kind = belgian ? 'Belgian structured communication' : 'creditor reference (RF)';
        const why = check.problem === 'check_digits' ? 'its check digits are wrong' : 'it does not have the right shape';
        this.warn('invalid_payment_reference', `The payment reference "${ref.value}" looks like a ${kind}, but ${why}.`, 'paymentReference', pathOf(ref));
      }
    }
  }

  private isBelgian(): boolean {
    const iban = this.fields.iban?.value.replace(/\s/g, '').toUpperCase();
    return Boolean(iban?.startsWith('BE') || this.fields.sellerVatId?.value.toUpperCase().startsWith('BE'));
  }
}

const pathOf = (field: { provenance: Provenance }): string | undefined =>
  field.provenance.kind === 'xml' ? field.provenance.path : undefined;

const DESCRIPTIONS: Partial<Record<FieldName, string>> = {
  number: 'invoice number', issueDate: 'issue date', currency: 'currency', sellerName: 'seller name',
  buyerName: 'buyer name', totalWithoutVat: 'total without VAT', totalWithVat: 'total with VAT',
  amountDue: 'amount due', sellerVatId: 'seller VAT id', buyerVatId: 'buyer VAT id',
};
const label = (name: FieldName): string => DESCRIPTIONS[name] ?? name;

/** Attachment size from its base64 length; decoding megabytes just to count them is wasteful. */
export function attachmentInfo(el: XmlElement): AttachmentInfo {
  const base64 = rawText(el) ?? '';
  return {
    filename: attrOf(el, 'filename') ?? null,
    mimeCode: attrOf(el, 'mimeCode') ?? null,
    approxBytes: Math.floor((base64.length * 3) / 4),
    path: el.path,
  };
}
