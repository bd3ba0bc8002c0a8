import type { LabelHit, Layout, Line } from './layout.js';

/**
 * Where the value of a label is printed: after it on the same line ("Invoice number: F-7",
 * "Total HT   1 234,56 €"), or below it, in the same column of the next line (header rows
 * such as "Invoice number   Date" over "F-7   14/03/2024"), or on the next line when the
 * label stands alone ("Invoice number" over "F-7").
 */

export interface Region {
  text: string;
  /** Offset of text[0] in the whole text. */
  start: number;
  /** How the value was placed relative to its label; a value below is a little less certain. */
  placement: 'after' | 'below';
}

/** Punctuation between a label and its value. */
const LEAD = /^(?:[\s:#=.–|*]|-(?!\s?\d))*(?:\((?:[A-Z]{3}|€)\)\s*:?\s*)?/;

export function regionsOf(layout: Layout, hit: LabelHit): Region[] {
  const out: Region[] = [];
  const line = hit.line;
  const next = layout.labels.find((h) => h.line === line && h.start >= hit.end);
  const lineEnd = line.start + line.text.length;
  const rawAfter = layout.text.slice(hit.end, next ? next.start : lineEnd);
  const lead = LEAD.exec(rawAfter)?.[0].length ?? 0;
  const after = rawAfter.slice(lead).trimEnd();
  if (after !== '') out.push({ text: after, start: hit.end + lead, placement: 'after' });

  const below = nextLine(layout, line);
  if (below) {
    const labelsOnLine = layout.labels.filter((h) => h.line === line).length;
    const sameColumns = below.cells.length === line.cells.length && line.cells.length > 1;
    // a header row is made of labels only; a value row under it has the same columns
    if (sameColumns && labelsOnLine >= line.cells.length - 1 && !layout.labels.some((h) => h.line === below)) {
      const cell = below.cells[hit.cell];
      if (cell) out.push({ text: cell.text, start: cell.start, placement: 'below' });
    } else if (after === '' && !next && line.cells.length === 1) {
      const cell = below.cells[0];
      if (cell && !layout.labels.some((h) => h.line === below && h.cell === 0)) out.push({ text: cell.text, start: cell.start, placement: 'below' });
    }
  }
  return out;
}

/** The next line with text on the same page, skipping at most one empty line. */
export function nextLine(layout: Layout, line: Line): Line | null {
  for (let i = line.index + 1; i <= line.index + 2 && i < layout.lines.length; i++) {
    const candidate = layout.lines[i]!;
    if (candidate.page !== line.page) return null;
    if (candidate.cells.length > 0) return candidate;
  }
  return null;
}

/** The regions of every label of a kind, in document order. */
export function labelled(layout: Layout, kind: LabelHit['kind']): Array<{ hit: LabelHit; region: Region }> {
  return layout.labels.filter((h) => h.kind === kind).flatMap((hit) => regionsOf(layout, hit).map((region) => ({ hit, region })));
}
