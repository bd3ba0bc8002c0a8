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
const DOT = 0.25;
/** A gap this many line heights wide is a column gap (as text/lines.ts decides it). */
const COLUMN_GAP = 1.2;

export function wordsToText(words: OcrWord[]): string {
  const pieces: TextPiece[] = keepReal(words).map((w) => ({
    text: w.text, x: w.x0, y: -w.baseline, width: w.x1 - w.x0, size: Math.max(1, w.lineHeight),
  }));
  return piecesToText(pieces, { wholeWords: true });
}

/**
 * A scan's dust comes back as one-character "words" (".", "-", "=", "©", and as often "2", "x"
 * or "f") no bigger than a dot. In a column gap such a mark would split one cell in two, and a
 * header row of three labels would no longer line up with its row of three values, so it goes.
 * Size is judged against the page's usual line height, not the mark's own line: a speck that
 * tesseract put on a line of its own has a line as small as itself. Between two words at word
 * spacing a mark that is no letter or digit is most likely a printed separator ("Acme BV ·
 * Kerkstraat 1"), kept as "·"; a letter or digit that small is never text at a document's sizes.
 */
function keepReal(words: OcrWord[]): OcrWord[] {
  const usual = median(words.map((w) => w.lineHeight));
  const tiny = (w: OcrWord): boolean => {
    const size = DOT * Math.max(w.lineHeight, usual);
    return w.x1 - w.x0 < size && w.y1 - w.y0 < size;
  };
  const isDust = (w: OcrWord): boolean => tiny(w) && (!/[\p{L}\p{N}]/u.test(w.text) || w.text.length <= 2);
  const out: OcrWord[] = [];
  for (const w of words) {
    if (!isDust(w)) { out.push(w); continue; }
    if (/[\p{L}\p{N}]/u.test(w.text)) continue;
    const sameLine = words.filter((o) => o !== w && !isDust(o) && Math.abs(o.baseline - w.baseline) < 0.5 * w.lineHeight);
    const before = sameLine.filter((o) => o.x1 <= w.x0).sort((a, b) => b.x1 - a.x1)[0];
    const after = sameLine.filter((o) => o.x0 >= w.x1).sort((a, b) => a.x0 - b.x0)[0];
    const close = (gap: number): boolean => gap < COLUMN_GAP * w.lineHeight;
    if (before && after && close(w.x0 - before.x1) && close(after.x0 - w.x1)) out.push({ ...w, text: '·' });
  }
  return out;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
