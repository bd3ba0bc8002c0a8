import type { AttachmentInfo } from './types.js';
import { at, attrOf, child, children, textOf, type XmlElement } from './xml.js';
import { attachmentInfo, type StructuredBuilder } from './fields.js';

/**
 * UBL 2.1 Invoice and CreditNote, as profiled by Peppol BIS Billing 3.0 (EN 16931). Element
 * names are matched on local names, so cbc:/cac: prefixes or default namespaces are all the
 * same here. Comments name the EN 16931 business terms (BT-n) each value is.
 */

export interface UblFacts {
  profile: string | null;
  attachments: AttachmentInfo[];
}

export function readUbl(root: XmlElement, out: StructuredBuilder): UblFacts {
  const isCreditNote = root.name === 'CreditNote';
  out.text('number', child(root, 'ID')); // BT-1
  out.date('issueDate', child(root, 'IssueDate')); // BT-2
  out.documentType(root, child(root, 'InvoiceTypeCode|CreditNoteTypeCode'), isCreditNote ? 'credit_note' : undefined); // BT-3
  const currencyEl = child(root, 'DocumentCurrencyCode'); // BT-5
  out.text('currency', currencyEl);
  const currency = textOf(currencyEl);

  const paymentMeans = children(root, 'PaymentMeans');
  // BT-9: an Invoice has DueDate; a CreditNote only has it per payment means
  out.date('dueDate', child(root, 'DueDate') ?? paymentMeans.map((pm) => child(pm, 'PaymentDueDate')).find((el) => textOf(el)));

  readParty(out, at(root, 'AccountingSupplierParty', 'Party'), 'seller'); // BG-4
  readParty(out, at(root, 'AccountingCustomerParty', 'Party'), 'buyer'); // BG-7

  // BT-84 and BT-83: the first payment means that has them
  out.text('iban', paymentMeans.map((pm) => at(pm, 'PayeeFinancialAccount', 'ID')).find((el) => textOf(el)));
  out.text('paymentReference', paymentMeans.map((pm) => child(pm, 'PaymentID')).find((el) => textOf(el)));

  const totals = child(root, 'LegalMonetaryTotal'); // BG-22
  out.amount('lineTotal', child(totals, 'LineExtensionAmount')); // BT-106
  out.amount('allowanceTotal', child(totals, 'AllowanceTotalAmount')); // BT-107
  out.amount('chargeTotal', child(totals, 'ChargeTotalAmount')); // BT-108
  out.amount('totalWithoutVat', child(totals, 'TaxExclusiveAmount')); // BT-109
  out.amount('totalWithVat', child(totals, 'TaxInclusiveAmount')); // BT-112
  out.amount('prepaidAmount', child(totals, 'PrepaidAmount')); // BT-113
  out.amount('roundingAmount', child(totals, 'PayableRoundingAmount')); // BT-114
  out.amount('amountDue', child(totals, 'PayableAmount')); // BT-115

  readTaxTotals(out, children(root, 'TaxTotal'), currency);
  readLines(out, children(root, isCreditNote ? 'CreditNoteLine|InvoiceLine' : 'InvoiceLine|CreditNoteLine'));

  return {
    profile: textOf(child(root, 'CustomizationID')) ?? null,
    attachments: children(root, 'AdditionalDocumentReference')
      .map((ref) => at(ref, 'Attachment', 'EmbeddedDocumentBinaryObject'))
      .filter((el): el is XmlElement => el !== undefined)
      .map(attachmentInfo),
  };
}

function readParty(out: StructuredBuilder, party: XmlElement | undefined, role: 'seller' | 'buyer'): void {
  // BT-27/BT-44 is the legal registration name; the trading name (BT-28/BT-45) only stands in
  const registered = at(party, 'PartyLegalEntity', 'RegistrationName');
  const trading = children(party, 'PartyName').map((pn) => child(pn, 'Name')).find((el) => textOf(el));
  out.text(role === 'seller' ? 'sellerName' : 'buyerName', textOf(registered) ? registered : trading);
  // BT-31/BT-48: the tax registration whose scheme is VAT (others are BT-32, national numbers)
  const vat = children(party, 'PartyTaxScheme').find((s) => textOf(at(s, 'TaxScheme', 'ID'))?.toUpperCase() === 'VAT');
  out.text(role === 'seller' ? 'sellerVatId' : 'buyerVatId', child(vat, 'CompanyID'));
}

/**
 * A document may carry a second TaxTotal in the tax currency (BT-111, BT-6); BT-110 and the
 * breakdown are the ones in the document currency.
 */
function readTaxTotals(out: StructuredBuilder, taxTotals: XmlElement[], currency: string | undefined): void {
  const currencyOf = (tt: XmlElement): string | undefined => attrOf(child(tt, 'TaxAmount'), 'currencyID');
  const main = taxTotals.find((tt) => currency !== undefined && currencyOf(tt) === currency)
    ?? taxTotals.find((tt) => currencyOf(tt) === undefined)
    ?? taxTotals[0];
  out.amount('totalVat', child(main, 'TaxAmount')); // BT-110
  const withBreakdown = main && children(main, 'TaxSubtotal').length > 0 ? main : taxTotals.find((tt) => children(tt, 'TaxSubtotal').length > 0);
  for (const sub of children(withBreakdown, 'TaxSubtotal')) { // BG-23
    const category = child(sub, 'TaxCategory');
    out.vatBreakdown.push({
      category: textOf(child(category, 'ID')) ?? null, // BT-118
      rate: out.decimal(child(category, 'Percent')), // BT-119
      taxableAmount: out.decimal(child(sub, 'TaxableAmount')), // BT-116
      taxAmount: out.decimal(child(sub, 'TaxAmount')), // BT-117
      exemptionReason: textOf(child(category, 'TaxExemptionReason')) ?? null, // BT-120
      confidence: 1,
      provenance: { kind: 'xml', path: sub.path },
    });
  }
}

function readLines(out: StructuredBuilder, lines: XmlElement[]): void {
  for (const line of lines) { // BG-25
    const quantity = child(line, 'InvoicedQuantity|CreditedQuantity');
    const item = child(line, 'Item');
    const tax = child(item, 'ClassifiedTaxCategory');
    out.lines.push({
      id: textOf(child(line, 'ID')) ?? null, // BT-126
      name: textOf(child(item, 'Name')) ?? null, // BT-153
      description: textOf(child(item, 'Description')) ?? null, // BT-154
      quantity: out.decimal(quantity), // BT-129
      unitCode: attrOf(quantity, 'unitCode') ?? null, // BT-130
      unitPrice: out.decimal(at(line, 'Price', 'PriceAmount')), // BT-146
      netAmount: out.decimal(child(line, 'LineExtensionAmount')), // BT-131
      vatCategory: textOf(child(tax, 'ID')) ?? null, // BT-151
      vatRate: out.decimal(child(tax, 'Percent')), // BT-152
      confidence: 1,
      provenance: { kind: 'xml', path: line.path },
    });
  }
}
