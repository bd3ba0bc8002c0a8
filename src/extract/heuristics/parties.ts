import type { LabelHit, Layout, Line } from './layout.js';
import { fold, CREDIT_NOTE_TITLES, INVOICE_TITLES, LABELS } from './labels.js';
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
  // "Käufer/Leistungsempfänger:": a heading with a second name for the same party
  return /^\s*$/.test(rest) || /^\s*[:\-–]/.test(rest) || /^\s{3,}/.test(rest) || /^\/[\p{L}-]+:?\s*$/u.test(rest);
}

export function zonesOf(layout: Layout): Zones {
  const party = new Map<number, Party>();
  const heads: Zones['heads'] = [];
  const headings = layout.labels.filter((hit) => isHeading(layout, hit));
  for (const hit of headings) {
    const p: Party = hit.kind === 'seller' ? 'seller' : 'buyer';
    const rest = layout.text.slice(hit.end, hit.line.start + hit.line.text.length);
    const lead = /^\s*[:\-–]?\s*/.exec(rest)?.[0].length ?? 0;
    // "Käufer/Leistungsempfänger:" names the party twice; what follows the slash is no name
    const inline = isStray(rest.slice(lead)) || /^\//.test(rest) ? '' : rest.slice(lead).trim();
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

/**
 * A legal form ends a company's name ("Acme BV", "Muster GmbH & Co. KG", "Dupont SARL"); only
 * the forms that are no ordinary word or unit may stand inside it ("Rohstoff AG Salzgitter"),
 * so "FRITUUR VET 10 KG RETOUR" is an article, not a company.
 */
const LEGAL_FORM = /(?:^|[\s,(])(?:bv|b\.v\.|nv|n\.v\.|bvba|srl|sprl|sa|s\.a\.|sas|sarl|gmbh|ag|kg|ohg|ug|e\.k\.|e\.v\.|a\.g\.|ltd|ltd\.|llc|inc|inc\.|plc|vof|cv|ab|a\/s|oy|spa|s\.p\.a\.|d\.o\.o\.)(?:\s*&\s*co\.?(?:\s*kg)?)?\)?$|(?:^|\s)(?:[Gg][Mm][Bb][Hh]|SARL|AG|Ltd\.?|B\.V\.|N\.V\.)(?=\s)/i;
/** Every label word, folded: a line that is one is a heading, never a company's name. */
const LABEL_WORDS = new Set(Object.values(LABELS).flatMap((kinds) => Object.values(kinds).flat()));

/**
 * The seller's name, from evidence rather than from the nearest label. Candidates come, in
 * order of trust, from the seller's block, the letterhead, the lines above the seller's VAT id
 * or IBAN, and a footer; a line that is a label, a "label: value" pair, data, a sentence or
 * one or two letters is no name. A name with a legal form (GmbH, BV, SARL, Ltd...) wins over
 * one without from a more trusted place, as it is the surest sign of a company.
 */
export function sellerName(layout: Layout, zones: Zones, sellerIdLines: Line[], vatLine?: Line): NameGuess | null {
  const candidates: Array<{ text: string; start: number; confidence: number }> = [];
  const head = zones.heads.find((h) => h.party === 'seller');
  if (head) {
    const block = layout.lines.filter((l) => l.index >= head.line.index && zones.party.get(l.index) === 'seller' && l.index < head.line.index + BLOCK_LINES + 1);
    candidates.push({ text: head.text, start: head.start, confidence: 0.85 });
    for (const line of block) if (line !== head.line) candidates.push(...firstCell(line, 0.8));
  }
  for (const line of zones.letterhead) candidates.push(...firstCell(line, 0.75));
  const footer = footerParty(layout, zones);
  if (footer) candidates.push({ text: footer.value, start: footer.start, confidence: footer.confidence });
  for (const idLine of sellerIdLines) {
    // the block an id is printed in: its own line ("Acme BV, BTW BE0123...") and the few above it
    for (let i = idLine.index; i >= Math.max(0, idLine.index - 5); i--) {
      const line = layout.lines[i]!;
      // the block ends at an empty line, the buyer's block or a table row (cells of amounts)
      if (line.page !== idLine.page || zones.party.get(i) === 'buyer' || line.cells.length === 0) break;
      if (line.cells.slice(1).some((c) => /\d[.,]\d{2}\b/.test(c.text))) break;
      const cell = line.cells.find((c) => c.start <= idLine.start + idLine.text.length) ?? line.cells[0];
      if (cell) candidates.push({ text: cell.text.split(',')[0]!, start: cell.start, confidence: 0.6 });
    }
  }
  // two capitals ("XX", "HP") are a name only where a name must be, first in the seller's block or letterhead
  const names = candidates.map((c) => guess(c.text, c.start, c.confidence))
    .flatMap((g, i) => (isName(layout, g) ? [g] : i === 0 && /^[A-Z0-9]{2}$/.test(g.value) ? [{ ...g, confidence: 0.5 }] : []));
  const formal = names.find((g) => LEGAL_FORM.test(g.value));
  const chosen = formal ?? names[0];
  if (!chosen) return null;
  // without a legal form a line that passed every test is still a guess; with one, a name-like
  // line just above may be the first half of it ("MVM Musterhafter" over "Versicherungsverein a.G.")
  // and is then taken with it, still flagged: the line above may as well be a slogan
  const first = formal ? firstHalfAbove(layout, formal) : null;
  // two companies named in the seller's places ("KOSTENLIEFERANT GMBH" in the block, "MUSTERLIEFERANT
  // GMBH" on the line of the seller's VAT id): the VAT id names the taxable seller, so its owner
  // is taken, and flagged, as the other may be the one the user knows
  const rivals = names.filter((g) => LEGAL_FORM.test(g.value) && !sameCompany(g.value, formal!.value));
  if (formal && rivals.length > 0) {
    const owner = vatLine ? names.find((g) => LEGAL_FORM.test(g.value) && g.start === vatLine.cells[0]?.start) : undefined;
    return { ...(owner ?? formal), confidence: Math.min(0.7, formal.confidence) };
  }
  if (first) return { value: `${first.value} ${formal!.value}`, start: first.start, end: formal!.end, confidence: Math.min(0.7, chosen.confidence) };
  const sure = formal ? Math.min(0.95, chosen.confidence + 0.1) : Math.min(0.7, chosen.confidence);
  return { value: chosen.value, start: chosen.start, end: chosen.end, confidence: sure };
}

/** One name inside the other ("Acme GmbH", "Acme GmbH & Co. KG"): the same company. */
function sameCompany(a: string, b: string): boolean {
  const [x, y] = [fold(a).replace(/[^a-z0-9]/g, ''), fold(b).replace(/[^a-z0-9]/g, '')];
  return x.includes(y) || y.includes(x);
}

/** The name starts its line and the line above, on the same page, starts with a name-like cell of words only: that cell. */
function firstHalfAbove(layout: Layout, g: NameGuess): NameGuess | null {
  const at = layout.lines.findIndex((l) => l.start <= g.start && g.start < l.start + l.text.length + 1);
  const line = layout.lines[at], above = layout.lines[at - 1];
  if (!line || !above || above.page !== line.page || line.cells[0]?.start !== g.start) return null;
  const cell = above.cells[0];
  if (!cell || /[\d:@]/.test(cell.text) || LEGAL_FORM.test(cell.text)) return null;
  const half = guess(cell.text, cell.start, 0);
  return isName(layout, half) ? half : null;
}

function firstCell(line: Line, confidence: number): Array<{ text: string; start: number; confidence: number }> {
  const cell = line.cells[0];
  return cell ? [{ text: cell.text, start: cell.start, confidence }] : [];
}

/** Not a label, a "label: value" pair, data, a sentence or a stray token: it may be a name. */
function isName(layout: Layout, g: NameGuess): boolean {
  const folded = fold(g.value).replace(/[.:]+$/, '').trim();
  if (folded.length < 3 || !/\p{L}{3}/u.test(g.value) || looksLikeData(g.value) || isTitle(g.value)) return false;
  if (LABEL_WORDS.has(folded) || LABEL_WORDS.has(folded.replace(/[\s.\-/]+/g, ' '))) return false;
  // a label that is the whole value; "Lieferant GmbH" starts with one and is a name
  if (layout.labels.some((h) => h.start === g.start && h.end >= g.end - 1 && h.kind !== 'other')) return false;
  // "BTW 0%", "Total HT 100,00": a row of amounts starts with its label; a party heading may start a name
  if (/%/.test(g.value) || layout.labels.some((h) => h.start === g.start && !['seller', 'buyer', 'other'].includes(h.kind))) return false;
  // an address line: "Kerkstraat 12", "12 rue de la Paix", "80333 München"
  if (!LEGAL_FORM.test(g.value) && (/^\d/.test(g.value) || /\s\d+\s?[a-z]?$/i.test(g.value))) return false;
  if (/:\s*\S|:$|\bnr\b|\bnummer\b|\bgln\b|\bgtin\b/i.test(g.value)) return false;
  return g.value.split(/\s+/).length <= 7;
}

/**
 * What separates the parts of a one-line address ("Acme BV · Kerkstraat 1 · 1000 Brussel"): a
 * bar or a dot, which OCR often reads as a dash, a period, a colon or a guillemet, with spaces around.
 */
const PART_SEPARATOR = /\s+[·|•\-–.«»:]\s+|[·|•]/;

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

/** A name runs to the first part separator: "Au bon moulin SARL - 1242 chemin de l'olive" is "Au bon moulin SARL". */
function guess(text: string, start: number, confidence: number): NameGuess {
  const value = (/^[^|·•]+/.exec(text)?.[0] ?? text).split(/\s[-–]\s/)[0]!.trim().replace(/[,;:]$/, '');
  return { value, start, end: start + value.length, confidence };
}

/** A line of digits, a date, a web or mail address: not a name. */
const looksLikeData = (text: string): boolean =>
  /^[\d\s.,:/+\-()]+$/.test(text) || /@|www\.|https?:/i.test(text) || /^(?:tel|fax|phone|iban|bic)\b/i.test(text);
