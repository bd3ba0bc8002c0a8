/**
 * Turns positioned text pieces (a PDF's text items) into lines in reading order: pieces whose
 * baselines are close form one line, left to right; lines run top to bottom. A wide gap
 * between two pieces becomes three spaces, so a label and the value printed in the column to
 * its right stay apart (the field heuristics split cells on runs of spaces).
 */

export interface TextPiece {
  text: string;
  /** Left edge and baseline in page units; y grows upwards, as in PDF. */
  x: number;
  y: number;
  width: number;
  /** Font size, or the glyph height when the size is unknown. */
  size: number;
}

/** A gap this many font sizes wide separates columns, not words. */
const COLUMN_GAP = 1.2;
/** A gap this wide is a space that the producer drew by moving the pen instead of printing it. */
const WORD_GAP = 0.15;
/** Baselines closer than this fraction of the font size are on the same line. */
const SAME_LINE = 0.45;

/**
 * `wholeWords`: every piece is a word of its own (as OCR gives them), so two pieces are always
 * at least a space apart, however narrow the gap; a PDF's pieces may be parts of one word.
 */
export function piecesToText(pieces: TextPiece[], options: { wholeWords?: boolean } = {}): string {
  const visible = pieces.filter((p) => p.text.trim() !== '' && Number.isFinite(p.x) && Number.isFinite(p.y));
  const sorted = [...visible].sort((a, b) => b.y - a.y || a.x - b.x);
  const lines: TextPiece[][] = [];
  for (const piece of sorted) {
    const line = lines.at(-1);
    const head = line?.[0];
    if (line && head && Math.abs(head.y - piece.y) <= SAME_LINE * Math.max(1, Math.min(head.size, piece.size))) line.push(piece);
    else lines.push([piece]);
  }
  return lines.map((line) => joinLine(line, options.wholeWords ?? false)).join('\n');
}

function joinLine(line: TextPiece[], wholeWords: boolean): string {
  const pieces = [...line].sort((a, b) => a.x - b.x);
  let out = '';
  let end = -Infinity;
  for (const p of pieces) {
    const gap = p.x - end;
    const size = Math.max(1, p.size);
    if (out !== '') {
      if (gap > COLUMN_GAP * size) out = `${out.trimEnd()}   `;
      else if ((wholeWords || gap > WORD_GAP * size) && !out.endsWith(' ')) out += ' ';
    }
    out += out === '' ? p.text.trimStart() : p.text;
    end = Math.max(end, p.x + p.width);
  }
  return out.replace(/[ \t]+$/, '');
}
