import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { extractDocument, type Extraction, type ExtractionResult, type FieldName } from './index.js';
import { EINVOICE_FIXTURES } from '../../test/helpers/fixtures.js';

const fixtureText = (dir: string, file: string): string =>
  readFileSync(path.resolve(EINVOICE_FIXTURES, dir, file), 'utf8');

function ok(result: ExtractionResult): Extraction {
  assert.ok(result.ok, result.ok ? '' : `${result.reason}: ${result.message}`);
  return result;
}
const values = (x: Extraction): Partial<Record<FieldName, unknown>> =>
  Object.fromEntries(Object.entries(x.fields).map(([k, f]) => [k, f.value]));

describe('namespace prefixes', () => {
  it('reads UBL whatever the prefixes: none, ubl:/cbc:/cac:, or made-up ones', async () => {
    const original = fixtureText('ubl', 'ubl-tc434-example8.xml');
    const expected = values(ok(await extractDocument({ bytes: Buffer.from(original) })));
    const renamed = original
      .replace(/<(\/?)cbc:/g, '<$1b:').replace(/xmlns:cbc=/, 'xmlns:b=')
      .replace(/<(\/?)cac:/g, '<$1a:').replace(/xmlns:cac=/, 'xmlns:a=')
      .replace(/<(\/?)Invoice\b/g, '<$1inv:Invoice').replace(/xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/, 'xmlns:inv="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"');
    assert.notEqual(renamed, original);
    assert.match(renamed, /<inv:Invoice /);
    const x = ok(await extractDocument({ bytes: Buffer.from(renamed) }));
    assert.deepEqual(values(x), expected);
    assert.deepEqual(x.fields.number?.provenance, { kind: 'xml', path: '/Invoice/ID' });
  });

  it('reads CII with other prefixes or a default namespace', async () => {
    const original = fixtureText('cii', 'CII_example8.xml');
    const expected = values(ok(await extractDocument({ bytes: Buffer.from(original) })));
    const renamed = original.replace(/<(\/?)ram:/g, '<$1r:').replace(/xmlns:ram=/, 'xmlns:r=')
      .replace(/<(\/?)rsm:/g, '<$1').replace(/xmlns:rsm=/, 'xmlns=');
    assert.deepEqual(values(ok(await extractDocument({ bytes: Buffer.from(renamed) }))), expected);
  });
});

describe('character encodings', () => {
  const invoice = (name: string, declaration: string): string =>
    fixtureText('ubl', 'issue116.xml').replace(/^<\?xml[^>]*\?>/, declaration).replace('SÄLJARNAMNET', name);

  it('reads a declared ISO-8859-1 document', async () => {
    const bytes = Buffer.from(invoice('Société Générale', '<?xml version="1.0" encoding="ISO-8859-1"?>'), 'latin1');
    const x = ok(await extractDocument({ bytes }));
    assert.equal(x.fields.sellerName?.value, 'Société Générale');
    assert.deepEqual(x.warnings.filter((w) => w.code === 'encoding_guessed'), []);
  });

  it('reads undeclared Latin-1 with a warning', async () => {
    const bytes = Buffer.from(invoice('Müller & Söhne', '<?xml version="1.0"?>').replace('Müller & Söhne', 'Müller &amp; Söhne'), 'latin1');
    const x = ok(await extractDocument({ bytes }));
    assert.equal(x.fields.sellerName?.value, 'Müller & Söhne');
    assert.ok(x.warnings.some((w) => w.code === 'encoding_guessed'));
  });

  it('reads UTF-16 with a byte-order mark, and character references', async () => {
    const text = invoice('&#x42;&#233;b&#233;', '<?xml version="1.0" encoding="UTF-16"?>');
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    assert.equal(ok(await extractDocument({ bytes })).fields.sellerName?.value, 'Bébé');
  });
});

describe('other shapes of e-invoice', () => {
  it('unwraps a Peppol Standard Business Document envelope', async () => {
    const inner = fixtureText('ubl', 'ubl-tc434-example9.xml').replace(/^<\?xml[^>]*\?>/, '');
    const sbd = `<?xml version="1.0" encoding="UTF-8"?>
<StandardBusinessDocument xmlns="http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader">
  <StandardBusinessDocumentHeader><HeaderVersion>1.0</HeaderVersion></StandardBusinessDocumentHeader>
  ${inner}
</StandardBusinessDocument>`;
    const x = ok(await extractDocument({ bytes: Buffer.from(sbd) }));
    assert.equal(x.fields.number?.value, '20150483');
    assert.deepEqual(x.fields.number?.provenance, { kind: 'xml', path: '/StandardBusinessDocument/Invoice/ID' });
  });

  it('reads the older ZUGFeRD 1.0 CrossIndustryDocument', async () => {
    const x = ok(await extractDocument({ bytes: Buffer.from(ZUGFERD_1) }));
    assert.equal(x.source, 'cii');
    assert.equal(x.structured?.root, 'CrossIndustryDocument');
    assert.equal(x.structured?.profile, 'urn:ferd:CrossIndustryDocument:invoice:1p0:basic');
    assert.deepEqual(values(x), {
      number: '471102', issueDate: '2013-03-05', typeCode: '380', documentType: 'invoice', currency: 'EUR',
      sellerName: 'Lieferant GmbH', sellerVatId: 'DE136695976', buyerName: 'Kunden AG Mitte', paymentReference: '471102',
      iban: 'DE89370400440532013000', lineTotal: '198.00', chargeTotal: '0.00', allowanceTotal: '0.00', totalWithoutVat: '198.00',
      totalVat: '37.62', totalWithVat: '235.62', amountDue: '235.62',
    });
    assert.deepEqual(x.lines.map((l) => [l.id, l.name, l.quantity, l.unitCode, l.unitPrice, l.netAmount, l.vatRate]),
      [['1', 'Trennblätter A4', '20.0000', 'C62', '9.90', '198.00', '19.00']]);
    assert.deepEqual(x.warnings, []);
  });

  it('reads a credit note type code in a CII document and warns about unknown codes', async () => {
    const credit = fixtureText('cii', 'CII_example9.xml').replace('<ram:TypeCode>380</ram:TypeCode>', '<ram:TypeCode>381</ram:TypeCode>');
    assert.equal(ok(await extractDocument({ bytes: Buffer.from(credit) })).fields.documentType?.value, 'credit_note');
    const odd = fixtureText('cii', 'CII_example9.xml').replace('<ram:TypeCode>380</ram:TypeCode>', '<ram:TypeCode>999</ram:TypeCode>');
    const x = ok(await extractDocument({ bytes: Buffer.from(odd) }));
    assert.equal(x.fields.documentType?.value, 'invoice');
    assert.ok(x.warnings.some((w) => w.code === 'unknown_type_code'));
  });

  it('leaves out values that are not what their element promises, with a warning', async () => {
    const bad = fixtureText('ubl', 'ubl-tc434-example9.xml')
      .replace('<cbc:IssueDate>2015-04-01</cbc:IssueDate>', '<cbc:IssueDate>2015-02-30</cbc:IssueDate>')
      .replace('<cbc:PayableAmount currencyID="EUR">177.87</cbc:PayableAmount>', '<cbc:PayableAmount currencyID="EUR">177,87</cbc:PayableAmount>');
    const x = ok(await extractDocument({ bytes: Buffer.from(bad) }));
    assert.equal(x.fields.issueDate, undefined);
    assert.equal(x.fields.amountDue, undefined);
    assert.deepEqual(x.warnings.map((w) => [w.code, w.field]).sort(),
      [['invalid_amount', 'amountDue'], ['invalid_date', 'issueDate'], ['missing_field', 'amountDue'], ['missing_field', 'issueDate']]);
  });

  it('reads a minimal Factur-X MINIMUM-profile document, warning about what it lacks', async () => {
    const x = ok(await extractDocument({ bytes: Buffer.from(FACTURX_MINIMUM) }));
    assert.deepEqual([x.fields.number?.value, x.fields.amountDue?.value, x.lines.length], ['FA-2024-0001', '120.00', 0]);
    assert.deepEqual(x.warnings.map((w) => w.field), ['buyerName']);
  });
});

const ZUGFERD_1 = `<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryDocument xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:1p0" xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12" xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15">
  <rsm:SpecifiedExchangedDocumentContext>
    <ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:ferd:CrossIndustryDocument:invoice:1p0:basic</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter>
  </rsm:SpecifiedExchangedDocumentContext>
  <rsm:HeaderExchangedDocument>
    <ram:ID>471102</ram:ID><ram:Name>RECHNUNG</ram:Name><ram:TypeCode>380</ram:TypeCode>
    <ram:IssueDateTime><udt:DateTimeString format="102">20130305</udt:DateTimeString></ram:IssueDateTime>
  </rsm:HeaderExchangedDocument>
  <rsm:SpecifiedSupplyChainTradeTransaction>
    <ram:ApplicableSupplyChainTradeAgreement>
      <ram:SellerTradeParty><ram:Name>Lieferant GmbH</ram:Name><ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">DE136695976</ram:ID></ram:SpecifiedTaxRegistration></ram:SellerTradeParty>
      <ram:BuyerTradeParty><ram:Name>Kunden AG Mitte</ram:Name></ram:BuyerTradeParty>
    </ram:ApplicableSupplyChainTradeAgreement>
    <ram:ApplicableSupplyChainTradeSettlement>
      <ram:PaymentReference>471102</ram:PaymentReference>
      <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
      <ram:SpecifiedTradeSettlementPaymentMeans><ram:TypeCode>58</ram:TypeCode>
        <ram:PayeePartyCreditorFinancialAccount><ram:IBANID>DE89370400440532013000</ram:IBANID></ram:PayeePartyCreditorFinancialAccount>
      </ram:SpecifiedTradeSettlementPaymentMeans>
      <ram:ApplicableTradeTax><ram:CalculatedAmount currencyID="EUR">37.62</ram:CalculatedAmount><ram:TypeCode>VAT</ram:TypeCode>
        <ram:BasisAmount currencyID="EUR">198.00</ram:BasisAmount><ram:CategoryCode>S</ram:CategoryCode><ram:ApplicablePercent>19.00</ram:ApplicablePercent></ram:ApplicableTradeTax>
      <ram:SpecifiedTradeSettlementMonetarySummation>
        <ram:LineTotalAmount currencyID="EUR">198.00</ram:LineTotalAmount>
        <ram:ChargeTotalAmount currencyID="EUR">0.00</ram:ChargeTotalAmount>
        <ram:AllowanceTotalAmount currencyID="EUR">0.00</ram:AllowanceTotalAmount>
        <ram:TaxBasisTotalAmount currencyID="EUR">198.00</ram:TaxBasisTotalAmount>
        <ram:TaxTotalAmount currencyID="EUR">37.62</ram:TaxTotalAmount>
        <ram:GrandTotalAmount currencyID="EUR">235.62</ram:GrandTotalAmount>
        <ram:DuePayableAmount currencyID="EUR">235.62</ram:DuePayableAmount>
      </ram:SpecifiedTradeSettlementMonetarySummation>
    </ram:ApplicableSupplyChainTradeSettlement>
    <ram:IncludedSupplyChainTradeLineItem>
      <ram:AssociatedDocumentLineDocument><ram:LineID>1</ram:LineID></ram:AssociatedDocumentLineDocument>
      <ram:SpecifiedSupplyChainTradeAgreement><ram:NetPriceProductTradePrice><ram:ChargeAmount currencyID="EUR">9.90</ram:ChargeAmount></ram:NetPriceProductTradePrice></ram:SpecifiedSupplyChainTradeAgreement>
      <ram:SpecifiedSupplyChainTradeDelivery><ram:BilledQuantity unitCode="C62">20.0000</ram:BilledQuantity></ram:SpecifiedSupplyChainTradeDelivery>
      <ram:SpecifiedSupplyChainTradeSettlement>
        <ram:ApplicableTradeTax><ram:TypeCode>VAT</ram:TypeCode><ram:CategoryCode>S</ram:CategoryCode><ram:ApplicablePercent>19.00</ram:ApplicablePercent></ram:ApplicableTradeTax>
        <ram:SpecifiedTradeSettlementMonetarySummation><ram:LineTotalAmount currencyID="EUR">198.00</ram:LineTotalAmount></ram:SpecifiedTradeSettlementMonetarySummation>
      </ram:SpecifiedSupplyChainTradeSettlement>
      <ram:SpecifiedTradeProduct><ram:Name>Trennblätter A4</ram:Name></ram:SpecifiedTradeProduct>
    </ram:IncludedSupplyChainTradeLineItem>
  </rsm:SpecifiedSupplyChainTradeTransaction>
</rsm:CrossIndustryDocument>`;

/** Factur-X MINIMUM: header totals only, no lines, the buyer by reference alone. */
const FACTURX_MINIMUM = `<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
  <rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:factur-x.eu:1p0:minimum</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>
  <rsm:ExchangedDocument><ram:ID>FA-2024-0001</ram:ID><ram:TypeCode>380</ram:TypeCode>
    <ram:IssueDateTime><udt:DateTimeString format="102">20240314</udt:DateTimeString></ram:IssueDateTime></rsm:ExchangedDocument>
  <rsm:SupplyChainTradeTransaction>
    <ram:ApplicableHeaderTradeAgreement>
      <ram:SellerTradeParty><ram:Name>Atelier Dupont SARL</ram:Name>
        <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">FR40303265045</ram:ID></ram:SpecifiedTaxRegistration></ram:SellerTradeParty>
      <ram:BuyerTradeParty><ram:SpecifiedLegalOrganization><ram:ID schemeID="0002">303265045</ram:ID></ram:SpecifiedLegalOrganization></ram:BuyerTradeParty>
    </ram:ApplicableHeaderTradeAgreement>
    <ram:ApplicableHeaderTradeDelivery/>
    <ram:ApplicableHeaderTradeSettlement>
      <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
      <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
        <ram:TaxBasisTotalAmount>100.00</ram:TaxBasisTotalAmount>
        <ram:TaxTotalAmount currencyID="EUR">20.00</ram:TaxTotalAmount>
        <ram:GrandTotalAmount>120.00</ram:GrandTotalAmount>
        <ram:DuePayableAmount>120.00</ram:DuePayableAmount>
      </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    </ram:ApplicableHeaderTradeSettlement>
  </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>`;
