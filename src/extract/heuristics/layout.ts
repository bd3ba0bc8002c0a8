import type { Language } from '../../domain/documents.js';
import { LANGUAGES } from '../../domain/documents.js';
import type { PageText } from '../text/page-text.js';
import { CELL_START_ONLY, fold, LABELS, type LabelKind } from './labels.js';

/**
 * The document's text as the heuristics see it: one string (Extraction.text), its lines with
 * their offsets and pages, each line split into cells (runs of three or more spaces, or a tab,
 * separate columns), and every label found in it.
 */

export interface Cell {
  text: string;
  /** Offset of the cell's first character in the whole text. */
  start: number;
}

export interface Line {
  index: number;
  page: number;
  start: number;
  text: string;
  folded: string;
  cells: Cell[];
}

export interface LabelHit {
  kind: LabelKind;
  language: Language;
  /** The label as listed; its word count says how specific it is. */
  label: string;
  line: Line;
  /** Index of the cell the label starts in. */
  cell: number;
  /** Offsets in the whole text. */
  start: number;
  end: number;
}

export interface Layout {
  text: string;
  lines: Line[];
  labels: LabelHit[];
  language: Language;
  /** Mean OCR confidence per page (1 for a text layer). */
  pageConfidence: Map<number, number>;
}

/** Pages are joined with a form feed, as pdftotext does, so the text shows where a page ends. */
const PAGE_BREAK = '\n\f\n';

export function layoutOf(pages: PageText[]): Layout {
  const lines: Line[] = [];
  const parts: string[] = [];
  const pageConfidence = new Map<number, number>();
  let offset = 0;
  for (const [i, page] of pages.entries()) {
    if (i > 0) { parts.push(PAGE_BREAK); offset += PAGE_BREAK.length; }
    const text = page.text.replace(/\r\n?/g, '\n');
    pageConfidence.set(page.page, page.confidence ?? 1);
    let lineStart = offset;
    for (const raw of text.split('\n')) {
      lines.push({ index: lines.length, page: page.page, start: lineStart, text: raw, folded: fold(raw), cells: cellsOf(raw, lineStart) });
      lineStart += raw.length + 1;
    }
    parts.push(text);
    offset += text.length;
  }
  const labels = findLabels(lines);
  return { text: parts.join(''), lines, labels: labels.hits, language: labels.language, pageConfidence };
}

function cellsOf(text: string, lineStart: number): Cell[] {
  const cells: Cell[] = [];
  for (const m of text.matchAll(/[^\t]+?(?=\s{3,}|\t|\s*$)/g)) {
    const trimmed = m[0].trim();
    if (trimmed === '') continue;
    cells.push({ text: trimmed, start: lineStart + m.index + m[0].indexOf(trimmed) });
  }
  return cells;
}

interface CompiledLabel { kind: LabelKind; language: Language; label: string; pattern: RegExp; cellStartOnly: boolean }

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/**
 * The letters OCR most often reads as others: "rn" and "m" for each other ("Factuumummer"),
 * l, i and 1 for each other, o and 0. A label matches either reading; values are not touched.
 */
const OCR_LOOKALIKES: Array<[RegExp, string]> = [[/rn|m/y, '(?:rn|m)'], [/[li]/y, '[li1|]'], [/o/y, '[o0]']];
function tolerant(word: string): string {
  let out = '';
  for (let i = 0; i < word.length;) {
    const found = OCR_LOOKALIKES.map(([re, alternatives]) => { re.lastIndex = i; return { m: re.exec(word), alternatives }; }).find((x) => x.m);
    out += found ? found.alternatives : escape(word[i]!);
    i += found ? found.m![0].length : 1;
  }
  return out;
}
// a space matches a space or two, a dot, dash or slash, or nothing, but never a column gap
const toPattern = (label: string): string => label.split(' ').map(tolerant).join('[.\\-/\']?\\s{0,2}[.\\-/\']?');

const COMPILED: CompiledLabel[] = LANGUAGES.flatMap((language) =>
  Object.entries(LABELS[language]).flatMap(([kind, labels]) => labels.map((label) => ({
    kind: kind as LabelKind, language, label,
    // a word label runs into no digit either: "DE5467..." is an IBAN, not the label "de"; a long
    // one may follow a digit, where a text layer glued two runs ("...2014Rechnungssumme Brutto")
    pattern: new RegExp(`(?<![a-z${label.length >= 10 ? '' : '0-9'}])${toPattern(label)}(?![a-z]|(?<=[a-z])\\d)`, 'g'),
    cellStartOnly: CELL_START_ONLY.has(label),
  }))));

/** Every label in the text; where two overlap the longer wins, and each is counted for its language. */
function findLabels(lines: Line[]): { hits: LabelHit[]; language: Language } {
  const hits: LabelHit[] = [];
  const votes = new Map<Language, number>();
  for (const line of lines) {
    const found: Array<{ c: CompiledLabel; at: number; end: number }> = [];
    for (const c of COMPILED) {
      c.pattern.lastIndex = 0;
      for (const m of line.folded.matchAll(c.pattern)) found.push({ c, at: m.index, end: m.index + m[0].length });
    }
    found.sort((a, b) => (b.end - b.at) - (a.end - a.at) || a.at - b.at);
    const taken: Array<[number, number]> = [];
    for (const f of found) {
      if (taken.some(([s, e]) => f.at < e && f.end > s)) continue;
      const cell = cellIndexAt(line, line.start + f.at);
      const cellStart = (line.cells[cell]?.start ?? line.start) - line.start;
      if (f.c.cellStartOnly && !/^[\s:*\-–|]*$/.test(line.text.slice(cellStart, f.at))) continue;
      taken.push([f.at, f.end]);
      hits.push({ kind: f.c.kind, language: f.c.language, label: f.c.label, line, cell, start: line.start + f.at, end: line.start + f.end });
    }
    // a label shared by languages ("datum", "iban", "total") says nothing about the language
    for (const f of found.filter((x) => taken.some(([s, e]) => s === x.at && e === x.end))) {
      const shared = COMPILED.filter((c) => c.label === f.c.label).length > 1;
      if (!shared) votes.set(f.c.language, (votes.get(f.c.language) ?? 0) + 1);
    }
  }
  hits.sort((a, b) => a.start - b.start);
  const language = [...votes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'en';
  // keep one hit per position, in the document's language when labels of several match there
  const best = new Map<number, LabelHit>();
  for (const h of hits) {
    const prev = best.get(h.start);
    if (!prev || (prev.language !== language && h.language === language)) best.set(h.start, h);
  }
  return { hits: [...best.values()].sort((a, b) => a.start - b.start), language };
}

export function cellIndexAt(line: Line, offset: number): number {
  let index = 0;
  for (const [i, cell] of line.cells.entries()) if (cell.start <= offset) index = i;
  return index;
}

/** The page a text offset falls on. */
export function pageAt(layout: Layout, offset: number): number {
  let page = layout.lines[0]?.page ?? 1;
  for (const line of layout.lines) {
    if (line.start > offset) break;
    page = line.page;
  }
  return page;
}
