import type { LabelHit, Layout, Line } from './layout.js';
import { fold, CREDIT_NOTE_TITLES, INVOICE_TITLES } from './labels.js';
import { isStray } from './regions.js';

/**
 * Who is who. A heading ("Bill to", "Factuur aan", "Fournisseur", "Lieferant") opens a block
 * that runs to the next empty line or heading; lines at the top of the first page before any
 * heading or label are the letterhead, which is the seller's. A VAT id or a name takes the
 * party of the block it is in.
 */

export type Party = 'seller' | 'buyer';

/** Most lines a party block (name, street, town, country, ids) takes. */
const BLOCK_LINES = 7;

export interface Zones {
  /** Party of each line, by line index; letterhead lines count as the seller's. */
  party: Map<number, Party>;
  /** First line of each block, after its heading. */
  heads: Array<{ party: Party; line: Line; hit: LabelHit; start: number; text: string }>;
  letterhead: Line[];
}

/**
 * A heading starts its line and stands alone or before a colon: "Bill to", "Klant:", "Von:
 * Acme GmbH". "Van Dijk BV" is a name, not "van" followed by one.
 */
function isHeading(layout: Layout, hit: LabelHit): boolean {
  if (hit.kind !== 'seller' && hit.kind !== 'buyer') return false;
  if (hit.cell !== 0 || layout.text.slice(hit.line.start, hit.start).trim() !== '') return false;
  const rest = layout.text.slice(hit.end, hit.line.start + hit.line.text.length);
  // "De   Totaal btw   365,28": a stray word before a total, not a "From" heading
  if (layout.labels.some((h) => h.line === hit.line && h.start > hit.start && h.kind !== 'seller' && h.kind !== 'buyer' && h.kind !== 'other')) return false;
  return /^\s*$/.test(rest) || /^\s*[:\-–]/.test(rest) || /^\s{3,}/.test(rest);
}

export function zonesOf(layout: Layout): Zones {
  const party = new Map<number, Party>();
  const heads: Zones['heads'] = [];
  const headings = layout.labels.filter((hit) => isHeading(layout, hit));
  for (const hit of headings) {
    const p: Party = hit.kind === 'seller' ? 'seller' : 'buyer';
    const rest = layout.text.slice(hit.end, hit.line.start + hit.line.text.length);
    const lead = /^\s*[:\-–]?\s*/.exec(rest)?.[0].length ?? 0;
    const inline = isStray(rest.slice(lead)) ? '' : rest.slice(lead).trim();
    party.set(hit.line.index, p);
    let first: { line: Line; start: number; text: string } | null = inline ? { line: hit.line, start: hit.end + lead, text: inline } : null;
    for (let i = hit.line.index + 1, n = 0; i < layout.lines.length && n < BLOCK_LINES; i++, n++) {
      const line = layout.lines[i]!;
      if (line.cells.length === 0 || line.page !== hit.line.page) break;
      if (headings.some((h) => h.line === line)) break;
      party.set(i, p);
      if (!first) first = { line, start: line.cells[0]!.start, text: line.cells[0]!.text };
    }
    if (first) heads.push({ party: p, hit, ...first });
  }
  const letterhead: Line[] = [];
  for (const line of layout.lines) {
    if (line.page !== layout.lines[0]?.page) break;
    if (line.cells.length === 0) { if (letterhead.length > 0) break; continue; }
    if (party.has(line.index) || layout.labels.some((h) => h.line === line && !['vatId', 'iban', 'other', 'seller', 'buyer'].includes(h.kind))) break;
    if (isTitle(line.text)) { if (letterhead.length > 0) break; continue; }
    letterhead.push(line);
    if (letterhead.length >= BLOCK_LINES) break;
  }
  for (const line of letterhead) party.set(line.index, 'seller');
  return { party, heads, letterhead };
}

/** "INVOICE", "Factuur", "Gutschrift Nr. 7": a document title, not a party's name. */
export function isTitle(text: string): boolean {
  const f = fold(text).trim();
  return [...INVOICE_TITLES, ...CREDIT_NOTE_TITLES].some((t) => f === t || f.startsWith(`${t} `) || f.startsWith(`${t}:`));
}

export interface NameGuess { value: string; start: number; end: number; confidence: number }

const LEGAL_FORM = /\b(?:bv|b\.v\.|nv|n\.v\.|bvba|srl|sprl|sa|sas|sarl|gmbh|ag|kg|ohg|ug|ltd|llc|inc|plc|vof|cv|ab|as|a\/s|oy|spa|s\.p\.a\.|d\.o\.o\.)\b/i;

/** The seller's name: the first line of its block, else the letterhead's first line, else the line of its VAT id. */
export function sellerName(layout: Layout, zones: Zones, sellerVatLine: Line | null): NameGuess | null {
  const head = zones.heads.find((h) => h.party === 'seller');
  if (head) return guess(head.text, head.start, 0.85);
  const top = zones.letterhead[0]?.cells[0];
  if (top && !looksLikeData(top.text)) return guess(top.text, top.start, 0.75);
  if (sellerVatLine) {
    const first = sellerVatLine.cells[0];
    const name = first ? first.text.split(PART_SEPARATOR)[0]!.split(',')[0]!.trim() : undefined;
    if (first && name && !looksLikeData(name)) return guess(name, first.start, 0.6);
  }
  return footerParty(layout, zones);
}

/**
 * What separates the parts of a one-line address ("Acme BV · Kerkstraat 1 · 1000 Brussel"): a
 * bar or a dot, which OCR often reads as a dash, a period or a guillemet, with spaces around.
 */
const PART_SEPARATOR = /\s+[·|•\-–.«»]\s+|[·|•]/;

/** A footer such as "Acme BV · Kerkstraat 1 · 1000 Brussel": the last line of parts joined by dots or bars. */
function footerParty(layout: Layout, zones: Zones): NameGuess | null {
  for (const line of [...layout.lines].reverse()) {
    if (zones.party.get(line.index) === 'buyer' || line.cells.length !== 1) continue;
    const parts = line.text.split(PART_SEPARATOR);
    const name = parts[0]?.trim();
    if (parts.length >= 3 && name && !looksLikeData(name)) return guess(name, line.start + line.text.indexOf(name), 0.55);
  }
  return null;
}

export function buyerName(zones: Zones): NameGuess | null {
  const head = zones.heads.find((h) => h.party === 'buyer');
  return head ? guess(head.text, head.start, 0.8) : null;
}

function guess(text: string, start: number, confidence: number): NameGuess {
  const value = (/^[^|·•]+/.exec(text)?.[0] ?? text).trim().replace(/[,;:]$/, '');
  return { value, start, end: start + value.length, confidence: LEGAL_FORM.test(value) ? Math.min(0.95, confidence + 0.1) : confidence };
}

/** A line of digits, a date, a web or mail address: not a name. */
const looksLikeData = (text: string): boolean =>
  /^[\d\s.,:/+\-()]+$/.test(text) || /@|www\.|https?:/i.test(text) || /^(?:tel|fax|phone|iban|bic)\b/i.test(text);
