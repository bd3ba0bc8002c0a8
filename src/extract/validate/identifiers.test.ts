import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeVatId, validateVatId } from './vat.js';
import { formatIban, normalizeIban, validateIban } from './iban.js';
import { validateCreditorReference, validateStructuredCommunication } from './be-structured.js';

describe('VAT ids', () => {
  // [input, valid, checked by check digits (valid) or the problem (invalid)]
  const table: Array<[string, boolean, boolean | string]> = [
    // BE: 97 - (first eight digits mod 97) = last two.
    //   0202.239.951: 2022399 mod 97 = 46 (97 * 20849 = 2022353), 97 - 46 = 51
    ['BE 0202.239.951', true, true],
    //   0403.170.701: 4031707 mod 97 = 96 (97 * 41563 = 4031611), 97 - 96 = 01
    ['BE0403170701', true, true],
    //   0428.759.497: 4287594 = 97 * 44202 exactly, remainder 0, so the check is 97
    ['be0428759497', true, true],
    ['BE0000000196', true, true], // the fixture's: 1 mod 97 = 1, 97 - 1 = 96
    ['BE428759497', true, true], // nine digits from before 2007 get their leading 0
    ['BE0202239952', false, 'check_digits'],
    ['BE2202239951', false, 'format'], // must start with 0 or 1
    // DE: ISO 7064 MOD 11,10 over 13669597 -> products 2, 10, 1, 3, 4, 7, 1, 5; 11 - 5 = 6
    ['DE136695976', true, true],
    ['DE 242 688 168', true, true], // the HUF fixture's buyer
    ['DE123456789', false, 'check_digits'], // the rounding fixture's dummy: check digit would be 8
    ['DE1111111', false, 'format'],
    ['DE37/302/30168', false, 'format'], // a German tax number (Steuernummer), not a VAT id
    // FR: key = (12 + 3 * (SIREN mod 97)) mod 97; 303265045 mod 97 = 74, 12 + 222 = 234, 234 mod 97 = 40
    ['FR40303265045', true, true],
    ['FR 23 334 175 221', true, true],
    ['FR41303265045', false, 'check_digits'],
    ['FRXA303265045', true, false], // letter keys have no public algorithm: format only
    // NL elfproef: 0*9 + 0*8 + 4*7 + 4*6 + 9*5 + 5*4 + 4*3 + 4*2 - 5 = 132 = 11 * 12
    ['NL004495445B01', true, true],
    ['NL8200.98.395.B.01', true, true], // the fixtures' seller: 187 = 11 * 17
    // sole-trader numbers fail the elfproef (118) but pass mod 97 over "NL000099998B57" -> 1
    ['NL000099998B57', true, true],
    ['NL123456789B01', false, 'check_digits'],
    ['NL16356706', false, 'format'],
    // LU: 263752 mod 89 = 45 (89 * 2963 = 263707)
    ['LU26375245', true, true],
    ['LU26375246', false, 'check_digits'],
    // format only
    ['DK12345678', true, false],
    ['ATU13585627', true, false],
    ['GR123456789', true, false], // Greece uses EL
    ['NO123456789MVA', true, false],
    ['DK123456789MVA', false, 'format'],
    ['XX', false, 'unknown_country'],
    ['0202239951', false, 'no_country'],
  ];
  for (const [input, valid, detail] of table) {
    it(`${input} is ${valid ? 'valid' : `invalid (${String(detail)})`}`, () => {
      const check = validateVatId(input);
      assert.equal(check.valid, valid, JSON.stringify(check));
      if (check.valid) assert.equal(check.checkDigits, detail);
      else assert.equal(check.problem, detail);
    });
  }

  it('normalises what people type', () => {
    assert.equal(normalizeVatId(' be 0202.239.951 '), 'BE0202239951');
    assert.equal(normalizeVatId('nl-8200-98-395-b01'), 'NL820098395B01');
    assert.equal(normalizeVatId('GR 123456789'), 'EL123456789');
  });

  it('uses a default country for bare digits', () => {
    assert.deepEqual(validateVatId('0202.239.951', 'BE'), { valid: true, normalized: 'BE0202239951', country: 'BE', checkDigits: true });
  });
});

describe('IBAN', () => {
  // BE68 5390 0754 7034: move "BE68" to the end and letters to numbers (B=11, E=14):
  // 539007547034 111468 mod 97 = 1
  const valid = ['BE68 5390 0754 7034', 'NL91ABNA0417164300', 'DE89 3704 0044 0532 0130 00', 'FR14 2004 1010 0505 0001 3M02 606',
    'LU28 0019 4006 4475 0000', 'GB29NWBK60161331926819', 'iban: nl57 rabo 0107307510', 'IT64W0100003245243300306301'];
  for (const iban of valid) it(`${iban} is valid`, () => assert.equal(validateIban(iban).valid, true));

  const invalid: Array<[string, string]> = [
    ['BE68 5390 0754 7035', 'check_digits'], // one digit changed
    ['BE86 5390 0754 7034', 'check_digits'], // check digits swapped
    ['NL91ABNA041716430', 'length'],
    ['SE1212341234123412', 'length'], // a fixture's: Swedish IBANs have 24 characters
    ['DK1212341234123412', 'check_digits'],
    ['1234567891234', 'format'],
    ['QQ12345', 'unknown_country'],
  ];
  for (const [iban, problem] of invalid) {
    it(`${iban} is invalid (${problem})`, () => {
      const check = validateIban(iban);
      assert.equal(check.valid ? 'valid' : check.problem, problem);
    });
  }

  it('normalises and formats', () => {
    assert.equal(normalizeIban('be68 5390-0754 7034'), 'BE68539007547034');
    assert.equal(formatIban('BE68539007547034'), 'BE68 5390 0754 7034');
  });
});

describe('Belgian structured communication', () => {
  // 0909337554 mod 97 = 93, so the check digits are 93
  const valid = ['+++090/9337/55493+++', '***090/9337/55493***', '090/9337/55493', '090933755493', '+++ 090 / 9337 / 55493 +++',
    '+++010/6766/09538+++', // the credit note fixture's reference: 106766095 mod 97 = 38
    '+++000/0009/70097+++', // 9700 mod 97 = 0, written 97
    '+++000/0000/00101+++']; // 1 mod 97 = 1
  for (const ref of valid) it(`${ref} is valid`, () => assert.equal(validateStructuredCommunication(ref).valid, true));

  it('formats its digits', () => {
    assert.deepEqual(validateStructuredCommunication('090933755493'), { valid: true, normalized: '090933755493', formatted: '+++090/9337/55493+++' });
  });

  const invalid: Array<[string, string]> = [
    ['+++090/9337/55494+++', 'check_digits'],
    ['+++000/0009/70000+++', 'check_digits'], // a remainder of 0 is never written 00
    ['+++090/9337/5549+++', 'format'],
    ['+++090/9337/55493***', 'format'],
    ['Invoice 2024-001', 'format'],
  ];
  for (const [ref, problem] of invalid) {
    it(`${ref} is invalid (${problem})`, () => {
      const check = validateStructuredCommunication(ref);
      assert.equal(check.valid ? 'valid' : check.problem, problem);
    });
  }

  it('checks ISO 11649 creditor references too', () => {
    assert.equal(validateCreditorReference('RF18 5390 0754 7034').valid, true);
    assert.equal(validateCreditorReference('RF18 5390 0754 7035').valid, false);
    assert.equal(validateCreditorReference('RF1').valid, false);
  });
});
