import type { AttachmentInfo } from './types.js';
import { at, attrOf, child, children, textOf, type XmlElement } from './xml.js';
import { attachmentInfo, type StructuredBuilder } from './fields.js';

/**
 * UN/CEFACT Cross Industry Invoice D16B: the XML of XRechnung (CII syntax) and of
 * Factur-X / ZUGFeRD 2.x in every profile (MINIMUM to EXTENDED; the small profiles simply
 * have fewer elements). The older ZUGFeRD 1.0 CrossIndustryDocument names the same things
 * differently; the "A|B" names below read both. Dates are DateTimeString format 102.
 */

export interface CiiFacts {
  profile: string | null;
  attachments: AttachmentInfo[];
}

export function readCii(root: XmlElement, out: StructuredBuilder): CiiFacts {
  const context = child(root, 'ExchangedDocumentContext|SpecifiedExchangedDocumentContext');
  const doc = child(root, 'ExchangedDocument|HeaderExchangedDocument');
  out.text('number', child(doc, 'ID')); // BT-1
  out.date('issueDate', at(doc, 'IssueDateTime', 'DateTimeString')); // BT-2
  out.documentType(root, child(doc, 'TypeCode')); // BT-3

  const tx = child(root, 'SupplyChainTradeTransaction|SpecifiedSupplyChainTradeTransaction');
  const agreement = child(tx, 'ApplicableHeaderTradeAgreement|ApplicableSupplyChainTradeAgreement');
  const settlement = child(tx, 'ApplicableHeaderTradeSettlement|ApplicableSupplyChainTradeSettlement');

  const currencyEl = child(settlement, 'InvoiceCurrencyCode'); // BT-5
  out.text('currency', currencyEl);
  readParty(out, child(agreement, 'SellerTradeParty'), 'seller'); // BG-4
  readParty(out, child(agreement, 'BuyerTradeParty'), 'buyer'); // BG-7

  out.date('dueDate', children(settlement, 'SpecifiedTradePaymentTerms') // BT-9
    .map((terms) => at(terms, 'DueDateDateTime', 'DateTimeString')).find((el) => textOf(el)));
  out.text('paymentReference', child(settlement, 'PaymentReference')); // BT-83
  const accounts = children(settlement, 'SpecifiedTradeSettlementPaymentMeans')
    .map((pm) => child(pm, 'PayeePartyCreditorFinancialAccount'));
  // BT-84: an IBAN where there is one, else the proprietary account id
  out.text('iban', accounts.map((a) => child(a, 'IBANID')).find((el) => textOf(el))
    ?? accounts.map((a) => child(a, 'ProprietaryID')).find((el) => textOf(el)));

  const sums = child(settlement, 'SpecifiedTradeSettlementHeaderMonetarySummation|SpecifiedTradeSettlementMonetarySummation'); // BG-22
  out.amount('lineTotal', child(sums, 'LineTotalAmount')); // BT-106
  out.amount('allowanceTotal', child(sums, 'AllowanceTotalAmount')); // BT-107
  out.amount('chargeTotal', child(sums, 'ChargeTotalAmount')); // BT-108
  out.amount('totalWithoutVat', child(sums, 'TaxBasisTotalAmount')); // BT-109
  // BT-110 is the VAT total in the invoice currency; a second one may be in the tax currency (BT-111)
  const vatTotals = children(sums, 'TaxTotalAmount');
  const currency = textOf(currencyEl);
  out.amount('totalVat', vatTotals.find((el) => currency !== undefined && attrOf(el, 'currencyID') === currency)
    ?? vatTotals.find((el) => attrOf(el, 'currencyID') === undefined) ?? vatTotals[0]);
  out.amount('totalWithVat', child(sums, 'GrandTotalAmount')); // BT-112
  out.amount('prepaidAmount', child(sums, 'TotalPrepaidAmount')); // BT-113
  out.amount('roundingAmount', child(sums, 'RoundingAmount')); // BT-114
  out.amount('amountDue', child(sums, 'DuePayableAmount')); // BT-115

  for (const tax of children(settlement, 'ApplicableTradeTax')) { // BG-23
    out.vatBreakdown.push({
      category: textOf(child(tax, 'CategoryCode')) ?? null, // BT-118
      rate: out.decimal(child(tax, 'RateApplicablePercent|ApplicablePercent')), // BT-119
      taxableAmount: out.decimal(child(tax, 'BasisAmount')), // BT-116
      taxAmount: out.decimal(child(tax, 'CalculatedAmount')), // BT-117
      exemptionReason: textOf(child(tax, 'ExemptionReason')) ?? null, // BT-120
      confidence: 1,
      provenance: { kind: 'xml', path: tax.path },
    });
  }
  readLines(out, children(tx, 'IncludedSupplyChainTradeLineItem'));

  return {
    profile: textOf(at(context, 'GuidelineSpecifiedDocumentContextParameter', 'ID')) ?? null,
    attachments: children(agreement, 'AdditionalReferencedDocument')
      .map((ref) => child(ref, 'AttachmentBinaryObject'))
      .filter((el): el is XmlElement => el !== undefined)
      .map(attachmentInfo),
  };
}

function readParty(out: StructuredBuilder, party: XmlElement | undefined, role: 'seller' | 'buyer'): void {
  out.text(role === 'seller' ? 'sellerName' : 'buyerName', child(party, 'Name')); // BT-27 / BT-44
  // BT-31/BT-48 carry schemeID VA; FC is the national tax number (BT-32)
  const vat = children(party, 'SpecifiedTaxRegistration')
    .map((reg) => child(reg, 'ID'))
    .find((id) => attrOf(id, 'schemeID')?.toUpperCase() === 'VA');
  out.text(role === 'seller' ? 'sellerVatId' : 'buyerVatId', vat);
}

function readLines(out: StructuredBuilder, lines: XmlElement[]): void {
  for (const line of lines) { // BG-25
    const product = child(line, 'SpecifiedTradeProduct');
    const agreement = child(line, 'SpecifiedLineTradeAgreement|SpecifiedSupplyChainTradeAgreement');
    const quantity = at(line, 'SpecifiedLineTradeDelivery|SpecifiedSupplyChainTradeDelivery', 'BilledQuantity');
    const settlement = child(line, 'SpecifiedLineTradeSettlement|SpecifiedSupplyChainTradeSettlement');
    const tax = child(settlement, 'ApplicableTradeTax');
    out.lines.push({
      id: textOf(at(line, 'AssociatedDocumentLineDocument', 'LineID')) ?? null, // BT-126
      name: textOf(child(product, 'Name')) ?? null, // BT-153
      description: textOf(child(product, 'Description')) ?? null, // BT-154
      quantity: out.decimal(quantity), // BT-129
      unitCode: attrOf(quantity, 'unitCode') ?? null, // BT-130
      unitPrice: out.decimal(at(agreement, 'NetPriceProductTradePrice', 'ChargeAmount')), // BT-146
      netAmount: out.decimal(at(settlement, 'SpecifiedTradeSettlementLineMonetarySummation|SpecifiedTradeSettlementMonetarySummation', 'LineTotalAmount')), // BT-131
      vatCategory: textOf(child(tax, 'CategoryCode')) ?? null, // BT-151
      vatRate: out.decimal(child(tax, 'RateApplicablePercent|ApplicablePercent')), // BT-152
      confidence: 1,
      provenance: { kind: 'xml', path: line.path },
    });
  }
}
