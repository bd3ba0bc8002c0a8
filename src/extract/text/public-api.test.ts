import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Budget, readFieldsFromText, resolveLimits, type PageText } from '../index.js';

/** The OCR reader lives in another folder and reaches the heuristics only through the public index. */
describe('readFieldsFromText through the public index', () => {
  const pages: PageText[] = [
    { page: 1, text: 'FACTUUR\nFactuurnummer: F-2024-017\nFactuurdatum: 14/03/2024', confidence: 0.9 },
    { page: 2, text: 'Totaal excl. btw € 100,00\nBTW 21% € 21,00\nTotaal incl. btw € 121,00', confidence: 0.9 },
  ];

  it('reads OCR pages as source ocr, with provenance on the page the value came from', () => {
    const x = readFieldsFromText(pages, 'ocr', new Budget(resolveLimits({})));
    assert.equal(x.source, 'ocr');
    assert.equal(x.fields.number?.value, 'F-2024-017');
    assert.equal(x.fields.totalWithVat?.value, '121.00');
    const p = x.fields.totalWithVat!.provenance;
    assert.equal(p.kind, 'text');
    if (p.kind === 'text') {
      assert.equal(p.page, 2);
      assert.equal(x.text.slice(p.start, p.end).includes('121,00'), true);
    }
  });

  it('trusts the same text less when it came from OCR than from a text layer', () => {
    const ocr = readFieldsFromText(pages, 'ocr');
    const layer = readFieldsFromText(pages.map(({ page, text }) => ({ page, text })), 'pdf-text');
    assert.ok(ocr.fields.number!.confidence < layer.fields.number!.confidence);
  });
});
