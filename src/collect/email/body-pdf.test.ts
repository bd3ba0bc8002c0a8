import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Budget } from '../../extract/budget.js';
import { DEFAULT_LIMITS } from '../../extract/types.js';
import { readPdfText } from '../../extract/text/pdf-text.js';
import { bodyPdf, bodyPdfName, MAX_BODY_CHARS } from './body-pdf.js';

const textOf = async (pdf: Buffer) => (await readPdfText(pdf, new Budget(DEFAULT_LIMITS))).pages.map((p) => p.text).join('\n');
const message = { from: 'ap@supplier.example', subject: 'Factuur 2024-017', date: new Date('2024-03-14T09:30:00Z'), text: 'Bedrag: € 121,00\nTe betalen vóór 31 maart.\nZażółć gęślą jaźń — 請求書' };

describe('the body of a message as a PDF', () => {
  it('writes the sender, subject, date and body as text a reader gets back', async () => {
    const text = await textOf(await bodyPdf(message));
    for (const expected of ['From: ap@supplier.example', 'Subject: Factuur 2024-017', 'Date: 2024-03-14 09:30 UTC', 'Bedrag: € 121,00', 'Te betalen vóór 31 maart.']) {
      assert.ok(text.includes(expected), `${expected} in:\n${text}`);
    }
    // Letters the standard font lacks lose their accent or become "?", and the rest of the line stays.
    assert.ok(text.includes('Zazó?c gesla jazn — ???'), text);
  });

  it('gives the same bytes for the same message, whenever it is rendered', async () => {
    const a = await bodyPdf(message);
    await new Promise((r) => setTimeout(r, 1100)); // a second later: a creation date would differ
    assert.ok(a.equals(await bodyPdf(message)));
    assert.ok(!a.equals(await bodyPdf({ ...message, text: `${message.text}!` })));
  });

  it('wraps long lines and words, goes on over pages, and cuts a huge body', async () => {
    const long = `${'word '.repeat(400)}\n${'x'.repeat(500)}\n${Array.from({ length: 200 }, (_, i) => `line ${i}`).join('\n')}`;
    const read = await readPdfText(await bodyPdf({ ...message, text: long }), new Budget(DEFAULT_LIMITS));
    assert.ok(read.pageCount >= 3, `${read.pageCount} pages`);
    assert.ok(read.pages.map((p) => p.text).join('\n').includes('line 199'));
    const huge = await readPdfText(await bodyPdf({ ...message, text: 'a'.repeat(MAX_BODY_CHARS * 3) }), new Budget(DEFAULT_LIMITS));
    assert.ok(huge.pageCount <= 60);
    assert.match(huge.pages.at(-1)!.text, /the rest is left out/);
  });

  it('names the file after the subject, without path characters', () => {
    assert.equal(bodyPdfName('Invoice 12/2024: "final"'), 'Invoice 12 2024 final.pdf');
    assert.equal(bodyPdfName(null), 'message.pdf');
    assert.equal(bodyPdfName('../../etc'), '.. .. etc.pdf');
  });
});
