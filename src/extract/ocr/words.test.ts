import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { wordsToText, type OcrWord } from './engines/words.js';

/** Words as tesseract.js boxes them on a 200 dpi scan of 9.5 pt type: about 20 px high, lines 25 px. */
const word = (text: string, x0: number, top: number, width: number, height = 20): OcrWord =>
  ({ text, x0, x1: x0 + width, y0: top, y1: top + height, baseline: top + 20, lineHeight: 25 });

describe('OCR words laid out as text', () => {
  it('drops specks read as a letter or a digit, so a header row keeps its columns', () => {
    const text = wordsToText([
      word('Factuurnummer', 100, 100, 180), word('3', 420, 108, 4, 3), word('Factuurdatum', 600, 100, 170),
      word('TOSL108', 100, 140, 100), word('30-06-2013', 600, 140, 140), word('x', 900, 148, 3, 3),
    ]);
    assert.equal(text, 'Factuurnummer   Factuurdatum\nTOSL108   30-06-2013');
  });

  it('drops a speck that tesseract put on a line of its own, judged by the page\'s line height', () => {
    const speck: OcrWord = { text: '2', x0: 300, x1: 304, y0: 123, y1: 126, baseline: 126, lineHeight: 4 };
    assert.equal(wordsToText([word('Totaal', 100, 100, 80), word('€ 12,00', 400, 100, 90), speck, word('IBAN', 100, 140, 60)]),
      'Totaal   € 12,00\nIBAN');
  });

  it('keeps real one-character words: a quantity "1", a lowercase "a"', () => {
    assert.equal(wordsToText([word('Koffie', 100, 100, 80), word('1', 400, 100, 10), word('a', 600, 104, 12, 14), word('35,00', 700, 100, 70)]),
      'Koffie   1   a   35,00');
  });
});
