import type { DocumentType } from '../domain/documents.js';

/**
 * What reading a document produced. One shape for every way of reading (structured XML now,
 * PDF text and OCR later), so callers never branch on how a value was found: they look at its
 * confidence and, when they want to show or check it, at its provenance.
 */

export const SOURCE_KINDS = ['ubl', 'cii', 'facturx', 'pdf-text', 'ocr'] as const;
/** How the values were read: a UBL or CII file, XML embedded in a PDF, a PDF text layer, OCR. */
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** Whether a document asks for money or gives it back; purchase versus sales is the caller's call. */
export const INVOICE_KINDS = ['invoice', 'credit_note'] as const satisfies readonly DocumentType[];
export type InvoiceKind = (typeof INVOICE_KINDS)[number];

/**
 * Amounts are decimal strings ("1234.5", "-12.00"), never floats: a total read from an
 * e-invoice must come out exactly as it went in. Use validate/decimal.ts to compute with them.
 */
export type DecimalString = string;
/** A calendar date, YYYY-MM-DD. */
export type IsoDate = string;

/** The value type of each field; the EN 16931 business term is named where there is one. */
export interface FieldValues {
  documentType: InvoiceKind;
  /** UNTDID 1001 code as written (380 invoice, 381 credit note, 384 corrected invoice...). */
  typeCode: string;
  number: string; // BT-1
  issueDate: IsoDate; // BT-2
  dueDate: IsoDate; // BT-9
  currency: string; // BT-5, ISO 4217
  sellerName: string; // BT-27
  sellerVatId: string; // BT-31
  buyerName: string; // BT-44
  buyerVatId: string; // BT-48
  iban: string; // BT-84, as written (it may be a domestic account number)
  paymentReference: string; // BT-83
  lineTotal: DecimalString; // BT-106
  allowanceTotal: DecimalString; // BT-107
  chargeTotal: DecimalString; // BT-108
  totalWithoutVat: DecimalString; // BT-109
  totalVat: DecimalString; // BT-110
  totalWithVat: DecimalString; // BT-112
  prepaidAmount: DecimalString; // BT-113
  roundingAmount: DecimalString; // BT-114
  amountDue: DecimalString; // BT-115
}

export type FieldName = keyof FieldValues;

/** Every field name once, in display order; the type check below keeps it complete. */
export const FIELD_NAMES = [
  'documentType', 'typeCode', 'number', 'issueDate', 'dueDate', 'currency',
  'sellerName', 'sellerVatId', 'buyerName', 'buyerVatId', 'iban', 'paymentReference',
  'lineTotal', 'allowanceTotal', 'chargeTotal', 'totalWithoutVat', 'totalVat', 'totalWithVat',
  'prepaidAmount', 'roundingAmount', 'amountDue',
] as const satisfies readonly FieldName[];
/** Fails to compile when a field is missing from FIELD_NAMES. */
type Complete<Missing extends never> = Missing;
type FieldNamesComplete = Complete<Exclude<FieldName, (typeof FIELD_NAMES)[number]>>;

export const AMOUNT_FIELDS = [
  'lineTotal', 'allowanceTotal', 'chargeTotal', 'totalWithoutVat', 'totalVat', 'totalWithVat',
  'prepaidAmount', 'roundingAmount', 'amountDue',
] as const satisfies readonly FieldName[];
export type AmountField = (typeof AMOUNT_FIELDS)[number];

/**
 * Where a value came from: an element of the XML (a path of local names, with [n] where an
 * element repeats), or a span of the extracted text: `start`/`end` are offsets into
 * `Extraction.text` (end exclusive) and `page` is 1-based.
 */
export type Provenance =
  | { kind: 'xml'; path: string }
  | { kind: 'text'; page: number; start: number; end: number };

export interface Field<T> {
  value: T;
  /** 0..1; structured XML is 1.0, heuristics say how sure they are. */
  confidence: number;
  provenance: Provenance;
}

export type Fields = { [K in FieldName]?: Field<FieldValues[K]> };

export interface ExtractedLine {
  id: string | null; // BT-126
  name: string | null; // BT-153
  description: string | null; // BT-154
  quantity: DecimalString | null; // BT-129
  unitCode: string | null; // BT-130
  unitPrice: DecimalString | null; // BT-146
  netAmount: DecimalString | null; // BT-131
  vatCategory: string | null; // BT-151
  vatRate: DecimalString | null; // BT-152
  confidence: number;
  provenance: Provenance;
}

export interface VatBreakdownEntry {
  category: string | null; // BT-118
  rate: DecimalString | null; // BT-119
  taxableAmount: DecimalString | null; // BT-116
  taxAmount: DecimalString | null; // BT-117
  exemptionReason: string | null; // BT-120
  confidence: number;
  provenance: Provenance;
}

export const WARNING_CODES = [
  'missing_field', 'invalid_vat_id', 'invalid_iban', 'invalid_payment_reference',
  'invalid_date', 'invalid_amount', 'totals_mismatch', 'unknown_type_code',
  'encoding_guessed', 'several_embedded_invoices',
  // a limit cut the reading short (pages left unread, say) and the result covers only a part
  'partial_read',
] as const;
export type WarningCode = (typeof WARNING_CODES)[number];

/** Something a person should look at; never a reason to drop the whole result. */
export interface ExtractionWarning {
  code: WarningCode;
  message: string;
  field?: FieldName;
  path?: string;
}

/** A file carried inside the e-invoice (often the PDF rendering); listed, not decoded. */
export interface AttachmentInfo {
  filename: string | null;
  mimeCode: string | null;
  /** Size of the decoded content, estimated from the base64 length. */
  approxBytes: number;
  path: string;
}

/** Facts about a structured source that do not belong to the invoice itself. */
export interface StructuredInfo {
  syntax: 'ubl' | 'cii';
  /** Root element local name: Invoice, CreditNote, CrossIndustryInvoice, CrossIndustryDocument. */
  root: string;
  /** CustomizationID (UBL) or guideline parameter (CII): says Peppol, XRechnung, Factur-X profile... */
  profile: string | null;
  /** Name of the XML file inside the PDF, for Factur-X / ZUGFeRD. */
  embeddedFile: string | null;
  attachments: AttachmentInfo[];
}

export interface Extraction {
  ok: true;
  source: SourceKind;
  fields: Fields;
  lines: ExtractedLine[];
  vatBreakdown: VatBreakdownEntry[];
  /** The document's text, for search and for text provenance spans. */
  text: string;
  warnings: ExtractionWarning[];
  structured: StructuredInfo | null;
  /** Page count for PDFs, null for other sources. */
  pages: number | null;
}

/**
 * `busy`: every extraction thread is taken and the waiting line is full (or the service is
 * stopping); nothing is wrong with the document, so try it again later.
 */
export const FAILURE_REASONS = ['too_large', 'unsupported', 'malformed', 'unsafe_xml', 'too_many_pages', 'timeout', 'busy'] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** Reading stopped: `message` says what happened and what the user can do. */
export interface ExtractionFailure {
  ok: false;
  reason: FailureReason;
  message: string;
}

export type ExtractionResult = Extraction | ExtractionFailure;

export interface ExtractionInput {
  bytes: Buffer;
  filename?: string;
  mime?: string;
}

/** Bounds on the work one document may cause; every one of them ends in a typed failure. */
export interface Limits {
  /** Size of the input itself. */
  maxInputBytes: number;
  /** Total output of all decompression (PDF streams), the defence against zip bombs. */
  maxInflatedBytes: number;
  /** Size of one XML document, on its own or embedded in a PDF. */
  maxXmlBytes: number;
  /** Pages a PDF may have before it is refused. */
  maxPages: number;
  /** Wall-clock budget; checked between steps and inside the loops that scale with input. */
  timeoutMs: number;
}

const MB = 1024 * 1024;
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxInputBytes: 50 * MB,
  maxInflatedBytes: 200 * MB,
  maxXmlBytes: 50 * MB,
  maxPages: 300,
  timeoutMs: 10_000,
});
