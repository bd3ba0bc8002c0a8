import { piecesToText, type TextPiece } from '../../text/lines.js';

/**
 * OCR words back into lines the way a text layer reads. Tesseract finds columns as separate
 * blocks and prints them one after the other ("Invoice number / Invoice date" above, the
 * values far below), and joins the words of a line with single spaces whatever the gap. The
 * field heuristics need what a PDF's text layer gives: rows across the page, left to right,
 * with a wide gap between columns. So the words are laid out again from their positions, by
 * the same code that lays out a PDF's text pieces.
 */

export interface OcrWord {
  text: string;
  /** Box in image pixels, y growing downwards. */
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  /** Where the word sits on its line: the baseline at the word, in image pixels. */
  baseline: number;
  /** Height of the word's line (ascenders to descenders): the font size, near enough. */
  lineHeight: number;
}

/** Marks smaller than this share of the line height are dust, or a dot, not a character. */
const DOT = 0.2;
/** A gap this many line heights wide is a column gap (as text/lines.ts decides it). */
const COLUMN_GAP = 1.2;

export function wordsToText(words: OcrWord[]): string {
  const pieces: TextPiece[] = keepReal(words).map((w) => ({
    text: w.text, x: w.x0, y: -w.baseline, width: w.x1 - w.x0, size: Math.max(1, w.lineHeight),
  }));
  return piecesToText(pieces, { wholeWords: true });
}

/**
 * A scan's dust comes back as one-character "words" (".", "-", "=", "©") no bigger than a dot.
 * In a column gap such a mark would split one cell in two, so it goes. Between two words at
 * word spacing it is most likely a printed separator ("Acme BV · Kerkstraat 1"), kept as "·".
 */
function keepReal(words: OcrWord[]): OcrWord[] {
  const isDust = (w: OcrWord): boolean => !/[\p{L}\p{N}]/u.test(w.text)
    && w.x1 - w.x0 < DOT * w.lineHeight && w.y1 - w.y0 < DOT * w.lineHeight;
  const out: OcrWord[] = [];
  for (const w of words) {
    if (!isDust(w)) { out.push(w); continue; }
    const sameLine = words.filter((o) => o !== w && !isDust(o) && Math.abs(o.baseline - w.baseline) < 0.5 * w.lineHeight);
    const before = sameLine.filter((o) => o.x1 <= w.x0).sort((a, b) => b.x1 - a.x1)[0];
    const after = sameLine.filter((o) => o.x0 >= w.x1).sort((a, b) => a.x0 - b.x0)[0];
    const close = (gap: number): boolean => gap < COLUMN_GAP * w.lineHeight;
    if (before && after && close(w.x0 - before.x1) && close(after.x0 - w.x1)) out.push({ ...w, text: '·' });
  }
  return out;
}
