import { XMLParser } from 'fast-xml-parser';
import { Budget } from '../../src/extract/budget.js';
import { PdfDocument } from '../../src/extract/pdf/document.js';
import { listEmbeddedFiles } from '../../src/extract/pdf/embedded.js';
import { resolveLimits } from '../../src/extract/index.js';

/**
 * Ground truth for a Factur-X / ZUGFeRD PDF: the fields of its embedded CII XML, read here with
 * a plain XML parser and fixed element paths, not with the reader under test, so the e-invoice
 * case is not scored against itself. ZUGFeRD 1 (CrossIndustryDocument) and 2 / Factur-X
 * (CrossIndustryInvoice) name the same elements differently at the top only.
 */

export const CORPUS_FIELDS = ['documentType', 'number', 'issueDate', 'sellerName', 'sellerVatId', 'totalWithVat', 'amountDue', 'currency', 'iban'] as const;
export type CorpusField = (typeof CORPUS_FIELDS)[number];
export type Truth = Partial<Record<CorpusField, string>>;

const parser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, trimValues: true });

type Node = Record<string, unknown>;
const list = (x: unknown): Node[] => (x === undefined ? [] : (Array.isArray(x) ? x : [x]) as Node[]);
const at = (node: unknown, ...path: string[]): Node[] =>
  path.reduce<Node[]>((nodes, key) => nodes.flatMap((n) => list(n?.[key])), list(node));
const text = (n: unknown): string | undefined => {
  if (typeof n === 'string') return n.trim() || undefined;
  if (n && typeof n === 'object' && '#text' in n) return String((n as Node)['#text']).trim() || undefined;
  return undefined;
};

/** The embedded XML of a Factur-X / ZUGFeRD PDF, or null when it carries none. */
export function embeddedXml(pdf: Buffer): string | null {
  const budget = new Budget(resolveLimits({}));
  const doc = PdfDocument.open(pdf, budget);
  const file = listEmbeddedFiles(doc).find((f) => f.stream && /\.xml$/i.test(f.name));
  return file?.stream ? doc.decode(file.stream, budget.limits.maxXmlBytes, file.name).toString('utf8') : null;
}

const CREDIT_CODES = new Set(['381', '396', '261', '262', '532']);

export function truthOf(xml: string): Truth {
  const root = parser.parse(xml) as Node;
  const doc = at(root, 'CrossIndustryInvoice')[0] ?? at(root, 'CrossIndustryDocument')[0] ?? {};
  const header = at(doc, 'ExchangedDocument')[0] ?? at(doc, 'HeaderExchangedDocument')[0] ?? {};
  const trade = at(doc, 'SupplyChainTradeTransaction')[0] ?? at(doc, 'SpecifiedSupplyChainTradeTransaction')[0] ?? {};
  const agreement = at(trade, 'ApplicableHeaderTradeAgreement')[0] ?? at(trade, 'ApplicableSupplyChainTradeAgreement')[0] ?? {};
  const settlement = at(trade, 'ApplicableHeaderTradeSettlement')[0] ?? at(trade, 'ApplicableSupplyChainTradeSettlement')[0] ?? {};
  const seller = at(agreement, 'SellerTradeParty')[0] ?? {};
  const summation = at(settlement, 'SpecifiedTradeSettlementHeaderMonetarySummation')[0] ?? at(settlement, 'SpecifiedTradeSettlementMonetarySummation')[0] ?? {};
  const sums = at(summation, 'GrandTotalAmount');
  const due = at(summation, 'DuePayableAmount');
  const vat = at(seller, 'SpecifiedTaxRegistration', 'ID').find((n) => (n as Node)['@schemeID'] === 'VA');
  const date = text(at(header, 'IssueDateTime', 'DateTimeString')[0]);
  const typeCode = text(at(header, 'TypeCode')[0]);
  const truth: Truth = {
    documentType: typeCode ? (CREDIT_CODES.has(typeCode) ? 'credit_note' : 'invoice') : undefined,
    number: text(at(header, 'ID')[0]),
    issueDate: date && /^\d{8}$/.test(date) ? `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}` : undefined,
    sellerName: text(at(seller, 'Name')[0]),
    sellerVatId: text(vat),
    // ZUGFeRD 1 may give the total once per currency; the first is the invoice currency's
    totalWithVat: text(sums[0]),
    amountDue: text(due[0]),
    currency: text(at(settlement, 'InvoiceCurrencyCode')[0]),
    iban: text(at(settlement, 'SpecifiedTradeSettlementPaymentMeans', 'PayeePartyCreditorFinancialAccount', 'IBANID')[0]),
  };
  return Object.fromEntries(Object.entries(truth).filter(([, v]) => v !== undefined)) as Truth;
}
