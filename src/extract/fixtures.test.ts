import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { extractDocument, type Extraction, type FieldName } from './index.js';
import { EINVOICE_FIXTURES } from '../../test/helpers/fixtures.js';

/**
 * Every EN 16931 example in test/fixtures/einvoice, with the values read by hand from the XML
 * (BT-1, BT-2, BT-9, BT-5, BT-27, BT-31, BT-44, BT-48, BT-84, BT-83, BT-109, BT-110,
 * BT-112, BT-115). Absent means the XML has no such value and the field must be absent too.
 */
const fixtures = path.resolve(EINVOICE_FIXTURES);

type Row = {
  file: string; type: 'invoice' | 'credit_note'; number: string; issueDate: string; dueDate?: string; currency: string;
  sellerName: string; sellerVatId?: string; buyerName: string; buyerVatId?: string; iban?: string; paymentReference?: string;
  totalWithoutVat: string; totalVat?: string; totalWithVat: string; amountDue: string; lines: number;
};

const DE_KOKSMAAT = { number: '12115118', issueDate: '2015-01-09', dueDate: '2015-01-09', currency: 'EUR', sellerName: 'De Koksmaat',
  sellerVatId: 'NL8200.98.395.B.01', buyerName: 'ODIN 59', iban: 'NL57 RABO 0107307510', paymentReference: 'Deb. 10202 / Fact. 12115118', lines: 20 };
const TOSL108_NOK = { number: 'TOSL108', issueDate: '2013-06-30', dueDate: '2013-07-20', currency: 'NOK', sellerName: 'Salescompany ltd.',
  sellerVatId: 'NO123456789MVA', buyerName: 'The Buyercompany', buyerVatId: 'NO987654321MVA', iban: 'NO9386011117947', paymentReference: '0003434323213231', lines: 5 };
const TOSL110 = { number: 'TOSL110', issueDate: '2013-04-10', dueDate: '2013-05-10', currency: 'DKK', sellerName: 'SellerCompany', buyerName: 'Buyercompany ltd', lines: 3 };
const DKK_ACCOUNT = { iban: 'DK1212341234123412', paymentReference: 'Payref1' };

const UBL: Row[] = [
  { file: 'BIS3_Invoice_negativ.XML', type: 'invoice', number: '12345', issueDate: '2019-01-25', dueDate: '2019-02-24', currency: 'DKK',
    sellerName: 'Company A', sellerVatId: 'DK12345678', buyerName: 'Company B', buyerVatId: 'DK87654321', iban: '1234567891234', paymentReference: '12345667890',
    totalWithoutVat: '-625743.54', totalVat: '-156435.89', totalWithVat: '-782179.43', amountDue: '-782179.43', lines: 1 },
  { file: 'BIS3_Invoice_positive.XML', type: 'invoice', number: '12345', issueDate: '2019-01-25', dueDate: '2019-02-24', currency: 'DKK',
    sellerName: 'Company A', sellerVatId: 'DK12345678', buyerName: 'Company B', buyerVatId: 'DK87654321', iban: '1234567891234', paymentReference: '12345667890',
    totalWithoutVat: '625743.54', totalVat: '156435.89', totalWithVat: '782179.43', amountDue: '782179.43', lines: 1 },
  { file: 'guide-example1.xml', type: 'invoice', ...DE_KOKSMAAT, totalWithoutVat: '229.60', totalVat: '20.73', totalWithVat: '250.33', amountDue: '250.33' },
  { file: 'guide-example2.xml', type: 'invoice', ...TOSL108_NOK, totalWithoutVat: '1436.50', totalVat: '365.28', totalWithVat: '1801.78', amountDue: '801.78' },
  { file: 'guide-example3.xml', type: 'invoice', number: 'TOSL108', issueDate: '2013-04-10', dueDate: '2013-05-10', currency: 'DKK',
    sellerName: 'SubscriptionSeller', sellerVatId: 'DK16356706', buyerName: 'Buyercompany ltd', ...DKK_ACCOUNT,
    totalWithoutVat: '900.00', totalVat: '225.00', totalWithVat: '1125.00', amountDue: '1125.00', lines: 2 },
  { file: 'issue116.xml', type: 'invoice', number: '2018210', issueDate: '2018-02-08', dueDate: '2018-03-07', currency: 'SEK',
    sellerName: 'SÄLJARNAMNET', sellerVatId: 'SE123456789001', buyerName: 'Project services AB', buyerVatId: 'SE123451234501',
    totalWithoutVat: '700', totalVat: '130', totalWithVat: '830', amountDue: '830', lines: 4 },
  { file: 'it-g2g-td01-split-payment.xml', type: 'invoice', number: '1316/85', issueDate: '2020-02-13', currency: 'EUR',
    sellerName: 'Azienda Unita Sanitaria Locale di Reggio Emilia', sellerVatId: 'IT01598570354', buyerName: 'AZIENDA AUSL DI MODENA',
    buyerVatId: 'IT02241850367', iban: 'IT64W0100003245243300306301',
    totalWithoutVat: '1246.00', totalVat: '274.12', totalWithVat: '1520.12', amountDue: '1246.00', lines: 1 },
  // the buyer's RegistrationName is wrapped over two lines in the XML; whitespace runs read as one space
  { file: 'sample-discount-price.xml', type: 'invoice', number: 'test decimal 1', issueDate: '2018-02-05', dueDate: '2018-02-28', currency: 'EUR',
    sellerName: 'HEP SPLIT', sellerVatId: 'HR46830600751', buyerName: 'HEP-OPERATOR DISTRIBUCIJSKOG SUSTAVA D.O.O. ZA DISTRIBUCIJU I OPSKRBU ELEKTRICNE ENERGIJE',
    buyerVatId: 'HR46830600751', totalWithoutVat: '12.12', totalVat: '3.03', totalWithVat: '15.15', amountDue: '15.15', lines: 1 },
  // BT-27 is the RegistrationName ("My Supplier Company"), not the PartyName ("My Supplier Company N.V.")
  { file: 'ubl-tc434-creditnote1.xml', type: 'credit_note', number: '018304 / 28865', issueDate: '2019-09-23', currency: 'EUR',
    sellerName: 'My Supplier Company', sellerVatId: 'BE0000000196', buyerName: 'My Customer Company', buyerVatId: 'BE0000000295',
    iban: 'BE91000000143476', paymentReference: '010676609538', totalWithoutVat: '100.11', totalVat: '0.00', totalWithVat: '100.11', amountDue: '100.11', lines: 1 },
  { file: 'ubl-tc434-example1.xml', type: 'invoice', ...DE_KOKSMAAT, totalWithoutVat: '229.60', totalVat: '20.73', totalWithVat: '250.33', amountDue: '250.33' },
  // a second TaxTotal of 2000.73 SEK (the tax currency) must not be taken for BT-110
  { file: 'ubl-tc434-example10.xml', type: 'invoice', ...DE_KOKSMAAT, totalWithoutVat: '229.60', totalVat: '20.73', totalWithVat: '250.33', amountDue: '250.33' },
  { file: 'ubl-tc434-example2.xml', type: 'invoice', ...TOSL108_NOK, totalWithoutVat: '1436.50', totalVat: '365.28', totalWithVat: '1801.78', amountDue: '801.78' },
  { file: 'ubl-tc434-example3.xml', type: 'invoice', number: 'TOSL108', issueDate: '2013-04-10', dueDate: '2013-05-10', currency: 'DKK',
    sellerName: 'SubscriptionSeller', sellerVatId: 'DK16356706', buyerName: 'Buyercompany ltd', buyerVatId: 'NO987654321MVA', ...DKK_ACCOUNT,
    totalWithoutVat: '1700.00', totalVat: '305.00', totalWithVat: '2005.00', amountDue: '2005.00', lines: 2 },
  { file: 'ubl-tc434-example4.xml', type: 'invoice', ...TOSL110, sellerVatId: 'DK16356706', ...DKK_ACCOUNT,
    totalWithoutVat: '4000.00', totalVat: '675.00', totalWithVat: '4675.00', amountDue: '4675.00' },
  // payment by direct debit: no payee account; VAT also given in EUR (628.62), not BT-110
  { file: 'ubl-tc434-example5.xml', type: 'invoice', ...TOSL110, sellerVatId: 'NL16356706', buyerVatId: 'DK16356607', paymentReference: 'Payref1',
    totalWithoutVat: '4000.00', totalVat: '675.00', totalWithVat: '4675.00', amountDue: '2337.50' },
  { file: 'ubl-tc434-example6.xml', type: 'invoice', ...TOSL110, sellerVatId: 'DK123456789MVA',
    totalWithoutVat: '4000.00', totalVat: '675.00', totalWithVat: '4675.00', amountDue: '4675.00' },
  { file: 'ubl-tc434-example7.xml', type: 'invoice', number: 'INVOICE_test_7', issueDate: '2013-03-11', currency: 'SEK',
    sellerName: 'The Sellercompany Incorporated', buyerName: 'THe Buyercompany', iban: 'SE1212341234123412',
    totalWithoutVat: '3200.00', totalVat: '0.00', totalWithVat: '3200.00', amountDue: '3200.00', lines: 2 },
  { file: 'ubl-tc434-example8.xml', type: 'invoice', number: '1100512149', issueDate: '2014-11-10', dueDate: '2014-11-24', currency: 'EUR',
    sellerName: 'Enexis B.V.', sellerVatId: 'NL809561074B01', buyerName: 'Klant', iban: 'NL28RBOS0420242228', paymentReference: '1100512149',
    totalWithoutVat: '908.91', totalVat: '190.87', totalWithVat: '1099.78', amountDue: '1099.78', lines: 10 },
  { file: 'ubl-tc434-example9.xml', type: 'invoice', number: '20150483', issueDate: '2015-04-01', dueDate: '2015-04-14', currency: 'EUR',
    sellerName: 'Bluem BV', sellerVatId: 'NL809163160B01', buyerName: 'Provide Verzekeringen', iban: 'NL13RABO0377815500', paymentReference: '2015 0483 0000 0000',
    totalWithoutVat: '147.00', totalVat: '30.87', totalWithVat: '177.87', amountDue: '177.87', lines: 1 },
];

const CII: Row[] = [
  // lines 720.81 + 0.01 - 720.81 - 0.01: zero exactly, which floats get wrong
  { file: 'CII-BR-CO-10-RoundingIssue.xml', type: 'invoice', number: '0', issueDate: '2021-03-26', dueDate: '2021-03-26', currency: 'EUR',
    sellerName: 'Seller GmbH', sellerVatId: 'DE 123 456 789', buyerName: 'BuyerName', iban: 'IBAN',
    totalWithoutVat: '0.00', totalVat: '0.00', totalWithVat: '0.00', amountDue: '0.00', lines: 4 },
  { file: 'CII_business_example_01.xml', type: 'invoice', ...TOSL108_NOK, totalWithoutVat: '1436.5', totalVat: '365.28', totalWithVat: '1801.78', amountDue: '801.78' },
  // the due date (2013-05-10) is before the issue date (2013-08-25) in the XML itself
  { file: 'CII_business_example_02.xml', type: 'invoice', number: 'INV000013', issueDate: '2013-08-25', dueDate: '2013-05-10', currency: 'EUR',
    sellerName: 'xxxx', sellerVatId: 'DE1111111', buyerName: 'Buyercompany ltd', iban: 'DK1212341234123412', paymentReference: 'INV000013',
    totalWithoutVat: '10.00', totalVat: '1.90', totalWithVat: '11.90', amountDue: '11.90', lines: 3 },
  { file: 'CII_business_example_Z.xml', type: 'invoice', number: '2016166', issueDate: '2015-01-09', dueDate: '2015-01-09', currency: 'EUR',
    sellerName: 'XXX AG', sellerVatId: 'DE37/302/30168', buyerName: 'XXX AG', iban: 'DE12500105170648489890', paymentReference: '2016166',
    totalWithoutVat: '11693.87', totalVat: '0.0', totalWithVat: '11693.87', amountDue: '11693.87', lines: 3 },
  { file: 'CII_example1.xml', type: 'invoice', ...DE_KOKSMAAT, totalWithoutVat: '229.6', totalVat: '20.73', totalWithVat: '250.33', amountDue: '250.33' },
  { file: 'CII_example2.xml', type: 'invoice', ...TOSL108_NOK, totalWithoutVat: '1436.5', totalVat: '365.28', totalWithVat: '1801.78', amountDue: '801.78' },
  { file: 'CII_example3.xml', type: 'invoice', number: 'TOSL108', issueDate: '2013-04-10', dueDate: '2013-05-10', currency: 'DKK',
    sellerName: 'SubscriptionSeller', sellerVatId: 'DK16356706', buyerName: 'Buyercompany ltd', ...DKK_ACCOUNT,
    totalWithoutVat: '900', totalVat: '225', totalWithVat: '1125', amountDue: '1125', lines: 1 },
  { file: 'CII_example4.xml', type: 'invoice', ...TOSL110, sellerVatId: 'DK16356706', ...DKK_ACCOUNT,
    totalWithoutVat: '4000', totalVat: '675', totalWithVat: '4675', amountDue: '4675' },
  // two TaxTotalAmount: 675.00 DKK (BT-110) and 628.62 EUR (BT-111)
  { file: 'CII_example5.xml', type: 'invoice', ...TOSL110, sellerVatId: 'NL16356706', buyerVatId: 'DK16356607', ...DKK_ACCOUNT,
    totalWithoutVat: '4000', totalVat: '675.00', totalWithVat: '4675', amountDue: '2337.5' },
  { file: 'CII_example6.xml', type: 'invoice', ...TOSL110, sellerVatId: 'DK123456789MVA',
    totalWithoutVat: '4000', totalVat: '675', totalWithVat: '4675', amountDue: '4675' },
  { file: 'CII_example7.xml', type: 'invoice', number: 'INVOICE_test_7', issueDate: '2013-05-13', currency: 'SEK',
    sellerName: 'The Sellercompany Incorporated', buyerName: 'THe Buyercompany', iban: 'SE1212341234123412',
    totalWithoutVat: '3200', totalWithVat: '3200', amountDue: '3200', lines: 2 },
  { file: 'CII_example8.xml', type: 'invoice', number: '1100512149', issueDate: '2014-11-10', dueDate: '2014-11-24', currency: 'EUR',
    sellerName: 'Enexis B.V.', sellerVatId: 'NL809561074B01', buyerName: 'Klant', iban: 'NL28RBOS0420242228', paymentReference: '1100512149',
    totalWithoutVat: '908.91', totalVat: '190.87', totalWithVat: '1099.78', amountDue: '1099.78', lines: 10 },
  { file: 'CII_example9.xml', type: 'invoice', number: '20150483', issueDate: '2015-04-01', dueDate: '2015-04-15', currency: 'EUR',
    sellerName: 'Bluem BV', sellerVatId: 'NL809163160B01', buyerName: 'Provide Verzekeringen', iban: 'NL13RABO0377815500', paymentReference: '2015 0483 0000 0000',
    totalWithoutVat: '147', totalVat: '30.87', totalWithVat: '177.87', amountDue: '177.87', lines: 1 },
  // only a national tax number (schemeID FC), no VAT id; no VAT total at all (category O)
  { file: 'XRechnung-O.xml', type: 'invoice', number: '150377292', issueDate: '2021-01-14', dueDate: '2021-01-01', currency: 'EUR',
    sellerName: 'XX', buyerName: 'XX', iban: 'XX', paymentReference: 'V50028642477 VR00150377292',
    totalWithoutVat: '385544.60', totalWithVat: '385544.60', amountDue: '385544.60', lines: 2 },
  { file: 'huf_example_cii.xml', type: 'invoice', number: '21/001003559/996', issueDate: '2021-10-05', dueDate: '2021-11-01', currency: 'HUF',
    sellerName: 'DKV Euro Service GmbH + Co. KG', sellerVatId: 'HU30048650', buyerName: 'HIL Heeresinstandsetzungslogistik GmbH',
    buyerVatId: 'DE242688168', iban: 'DE26330403100827038100',
    totalWithoutVat: '69180.00', totalVat: '18679.00', totalWithVat: '87859.00', amountDue: '87859.00', lines: 3 },
];

const CHECKED: Array<[keyof Row, FieldName]> = [
  ['number', 'number'], ['issueDate', 'issueDate'], ['dueDate', 'dueDate'], ['currency', 'currency'],
  ['sellerName', 'sellerName'], ['sellerVatId', 'sellerVatId'], ['buyerName', 'buyerName'], ['buyerVatId', 'buyerVatId'],
  ['iban', 'iban'], ['paymentReference', 'paymentReference'], ['totalWithoutVat', 'totalWithoutVat'], ['totalVat', 'totalVat'],
  ['totalWithVat', 'totalWithVat'], ['amountDue', 'amountDue'], ['type', 'documentType'],
];

async function read(dir: string, file: string): Promise<Extraction> {
  const result = await extractDocument({ bytes: readFileSync(path.join(fixtures, dir, file)), filename: file });
  assert.ok(result.ok, `${file}: ${result.ok ? '' : `${result.reason}: ${result.message}`}`);
  return result;
}

describe('e-invoice fixtures', () => {
  it('the table covers every file in the folder, and nothing else', () => {
    assert.deepEqual(readdirSync(path.join(fixtures, 'ubl')).sort(), UBL.map((r) => r.file).sort());
    assert.deepEqual(readdirSync(path.join(fixtures, 'cii')).sort(), CII.map((r) => r.file).sort());
    assert.equal(UBL.length + CII.length, 34);
  });

  for (const [dir, rows, source] of [['ubl', UBL, 'ubl'], ['cii', CII, 'cii']] as const) {
    for (const row of rows) {
      it(`${dir}/${row.file} reads as the XML says`, async () => {
        const x = await read(dir, row.file);
        assert.equal(x.source, source);
        for (const [key, field] of CHECKED) {
          assert.equal(x.fields[field]?.value, row[key], `${field} of ${row.file}`);
        }
        assert.equal(x.lines.length, row.lines, `line count of ${row.file}`);
        for (const field of Object.values(x.fields)) {
          assert.equal(field.confidence, 1);
          assert.equal(field.provenance.kind, 'xml');
        }
        assert.ok(x.vatBreakdown.length > 0, 'every example has a VAT breakdown');
        assert.deepEqual(x.warnings.filter((w) => w.code === 'totals_mismatch'), [], 'the examples add up');
      });
    }
  }
});

describe('e-invoice details', () => {
  it('says where each value came from, as a path of local names', async () => {
    const ubl = await read('ubl', 'ubl-tc434-creditnote1.xml');
    assert.deepEqual(ubl.fields.number?.provenance, { kind: 'xml', path: '/CreditNote/ID' });
    assert.deepEqual(ubl.fields.sellerName?.provenance, { kind: 'xml', path: '/CreditNote/AccountingSupplierParty/Party/PartyLegalEntity/RegistrationName' });
    assert.deepEqual(ubl.fields.documentType?.provenance, { kind: 'xml', path: '/CreditNote/CreditNoteTypeCode' });
    assert.equal(ubl.lines[0]?.provenance.kind === 'xml' && ubl.lines[0].provenance.path, '/CreditNote/CreditNoteLine');
    const cii = await read('cii', 'CII_example1.xml');
    assert.deepEqual(cii.fields.amountDue?.provenance, { kind: 'xml',
      path: '/CrossIndustryInvoice/SupplyChainTradeTransaction/ApplicableHeaderTradeSettlement/SpecifiedTradeSettlementHeaderMonetarySummation/DuePayableAmount' });
    assert.equal(cii.lines[2]?.provenance.kind === 'xml' && cii.lines[2].provenance.path,
      '/CrossIndustryInvoice/SupplyChainTradeTransaction/IncludedSupplyChainTradeLineItem[3]');
  });

  it('reads lines and the VAT breakdown (credit note lines use CreditedQuantity)', async () => {
    const x = await read('ubl', 'ubl-tc434-creditnote1.xml');
    const { provenance: _p, ...line } = x.lines[0]!;
    assert.deepEqual(line, { id: '1', name: 'Exonération du versement du PP', description: 'Exonération du versement du PP', quantity: '1.00',
      unitCode: 'C62', unitPrice: '100.11', netAmount: '100.11', vatCategory: 'E', vatRate: '0.00', confidence: 1 });
    const { provenance: _q, ...vat } = x.vatBreakdown[0]!;
    assert.deepEqual(vat, { category: 'E', rate: '0.00', taxableAmount: '100.11', taxAmount: '0.00', exemptionReason: 'Taxes are not applicable', confidence: 1 });
    const cii = await read('cii', 'CII_example2.xml');
    assert.deepEqual(cii.vatBreakdown.map((v) => [v.category, v.rate, v.taxableAmount, v.taxAmount]),
      [['S', '25', '1460.5', '365.13'], ['S', '15', '1', '0.15'], ['E', '0', '-25', '0']]);
  });

  it('lists the 3 MB attachment without decoding it and keeps it out of the text', async () => {
    const x = await read('ubl', 'it-g2g-td01-split-payment.xml');
    assert.equal(x.structured?.attachments.length, 1);
    assert.equal(x.structured?.attachments[0]?.filename, 'mappatura_ubl_sdi.pdf');
    assert.equal(x.structured?.attachments[0]?.mimeCode, 'application/pdf');
    assert.ok((x.structured?.attachments[0]?.approxBytes ?? 0) > 2_000_000);
    assert.ok(x.text.length < 5000, `text is ${x.text.length} characters`);
    assert.match(x.text, /Scissione Pagamenti/);
  });

  it('names the profile and syntax', async () => {
    assert.equal((await read('ubl', 'it-g2g-td01-split-payment.xml')).structured?.profile,
      'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0');
    const x = await read('cii', 'CII-BR-CO-10-RoundingIssue.xml');
    assert.deepEqual({ ...x.structured, attachments: [] }, { syntax: 'cii', root: 'CrossIndustryInvoice',
      profile: 'urn:ferd:CrossIndustryDocument:invoice:1p0:comfort', embeddedFile: null, attachments: [] });
  });

  it('flags identifiers that fail their checks, without dropping them', async () => {
    const x = await read('cii', 'CII-BR-CO-10-RoundingIssue.xml');
    assert.deepEqual(x.warnings.map((w) => [w.code, w.field]), [['invalid_vat_id', 'sellerVatId'], ['invalid_iban', 'iban']]);
    const ok = await read('ubl', 'ubl-tc434-creditnote1.xml'); // valid BE VAT ids, IBAN and structured communication
    assert.deepEqual(ok.warnings, []);
  });

  it('warns when totals do not add up', async () => {
    const xml = readFileSync(path.join(fixtures, 'ubl', 'ubl-tc434-example4.xml'), 'utf8')
      .replace('<cbc:PayableAmount currencyID="DKK">4675.00</cbc:PayableAmount>', '<cbc:PayableAmount currencyID="DKK">4676.00</cbc:PayableAmount>');
    const result = await extractDocument({ bytes: Buffer.from(xml) });
    assert.ok(result.ok);
    const mismatches = result.warnings.filter((w) => w.code === 'totals_mismatch');
    assert.deepEqual(mismatches.map((w) => w.field), ['amountDue']);
    assert.match(mismatches[0]!.message, /4675\.00.*4676\.00/);
  });
});
