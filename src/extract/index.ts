/** The public face of document reading; other folders import from here, not from the parts. */
export { extractDocument, resolveLimits, configureExtraction, closeExtraction, extractionLimits, extractionStats, type ExtractionOptions } from './extract.js';
export { BUSY_RETRY_AFTER_S, defaultExtractionWorkers } from './isolated/service.js';
export { closeOcr } from './ocr/index.js';
export * from './types.js';
export { validateVatId, normalizeVatId, VAT_CHECK_DIGIT_COUNTRIES, type VatIdCheck } from './validate/vat.js';
export { validateIban, normalizeIban, formatIban, type IbanCheck } from './validate/iban.js';
export {
  validateStructuredCommunication, formatStructuredCommunication, looksLikeStructuredCommunication,
  validateCreditorReference, type ReferenceCheck,
} from './validate/be-structured.js';
export { parseAmount, type ParsedAmount } from './validate/amounts.js';
export { parseDate, parseCompactDate, isoDate } from './validate/dates.js';
export { checkTotals, roundingDecimals, type TotalsInput, type TotalsIssue, type TotalsCheck } from './validate/totals.js';
export { parseDecimal, canonicalDecimal, type Decimal } from './validate/decimal.js';
// Text-based reading: the OCR reader hands its PageText[] to readFieldsFromText with source 'ocr'.
export { readFieldsFromText, type TextSource } from './heuristics/read-fields.js';
export type { PageText } from './text/page-text.js';
export { Budget } from './budget.js';
export { sniff, type Sniffed } from './sniff.js';
export { isEInvoiceRoot } from './structured.js';
