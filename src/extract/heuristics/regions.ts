import type { Cell, LabelHit, Layout, Line } from './layout.js';

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
  // a label in brackets explains this one ("Rechnungssumme Brutto (inkl. USt.)   529,87"): it does not start another
  const next = layout.labels.find((h) => h.line === line && h.start >= hit.end && !insideBrackets(layout.text.slice(hit.end, h.start)));
  const lineEnd = line.start + line.text.length;
  const rawAfter = layout.text.slice(hit.end, next ? next.start : lineEnd);
  const lead = LEAD.exec(rawAfter)?.[0].length ?? 0;
  const after = rawAfter.slice(lead).trimEnd();
  if (after !== '' && !isStray(after)) out.push({ text: after, start: hit.end + lead, placement: 'after' });

  const below = nextLine(layout, line);
  if (below) {
    const header = headerCells(layout, line);
    const values = valueCells(below, header.length);
    const labelled = header.filter((c) => isLabelCell(layout, line, c)).length;
    // a header row is made of labels only; a value row under it has the same columns
    if (values.length === header.length && header.length > 1 && labelled >= header.length - 1 && !layout.labels.some((h) => h.line === below)) {
      const column = header.findIndex((c) => c.start <= hit.start && hit.start < c.start + c.text.length);
      const cell = values[column];
      if (cell) out.push({ text: cell.text, start: cell.start, placement: 'below' });
    } else if ((after === '' || isStray(after)) && !next && header.length === 1) {
      // a label alone on its line over a line of two columns ("Rechnungsnummer" over
      // "80333 München   471102"): the other column ran on beside it, so the value is the
      // last cell; a lone value is the only one
      const cell = values.length === 2 ? values[1] : values[0];
      if (cell && !layout.labels.some((h) => h.line === below && h.start === cell.start)) out.push({ text: cell.text, start: cell.start, placement: 'below' });
    }
  }
  return out;
}

/**
 * A cell OCR made of a speck or a table rule: a letter or two and no digit ("J", "x", "i.").
 * No value an invoice prints is that short without a digit, so it neither is a value nor
 * counts as a column.
 */
export const isStray = (text: string): boolean => /^[^\p{N}€$£%]{1,2}$/u.test(text.trim());

const isLabelCell = (layout: Layout, line: Line, cell: Cell): boolean =>
  layout.labels.some((h) => h.line === line && h.start >= cell.start && h.start < cell.start + cell.text.length);

/** The cells of a possible value row; with one too many for its header, lone characters are specks read as text. */
function valueCells(line: Line, columns: number): Cell[] {
  const cells = line.cells.filter((c) => !isStray(c.text));
  const longer = cells.filter((c) => c.text.length > 1);
  return cells.length > columns && longer.length === columns ? longer : cells;
}

/** The columns of a possible header row: stray cells go, and so does a digit or two between labels, which is a speck read as a digit. */
function headerCells(layout: Layout, line: Line): Cell[] {
  const cells = line.cells.filter((c) => !isStray(c.text));
  const labels = cells.filter((c) => isLabelCell(layout, line, c)).length;
  return labels >= 2 ? cells.filter((c) => isLabelCell(layout, line, c) || c.text.length > 2) : cells;
}

const insideBrackets = (between: string): boolean => between.lastIndexOf('(') > between.lastIndexOf(')');

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
