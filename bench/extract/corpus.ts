import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Budget } from '../../src/extract/budget.js';
import { closeOcr, extractDocument, resolveLimits, type ExtractionResult } from '../../src/extract/index.js';
import { openPdfForOcr } from '../../src/extract/ocr/pdf-pages.js';
import { resolveOcrLimits } from '../../src/extract/ocr/types.js';
import { scannedPdf } from '../../src/extract/ocr/testing/invoices.js';
import { readTextPdf } from '../../src/extract/text/read-text-pdf.js';
import { makeScan } from '../ocr/scans.js';
import { CORPUS_FIELDS, embeddedXml, truthOf, type CorpusField, type Truth } from './corpus-truth.js';
import { shownInText } from './corpus-shown.js';
import { same } from './score.js';
import { cachedScanReader } from './ocr-cache.js';

/**
 * `npm run bench:extract -- --corpus [DIR] [--scans]`: the reader on invoices from producers
 * whose layouts our own templates know nothing of: the Factur-X / ZUGFeRD corpus (folder from
 * DIR or DOSSIER_FACTURX_CORPUS, never copied into the repository). Each PDF gives
 *   e-invoice  the PDF as handed in: its embedded XML must be read exactly
 *   pdf-text   the same PDF read through its text layer only, as if the XML had been dropped
 *   scan       every page rendered, scanned (bench/ocr/scans.ts) and put in an image-only PDF
 *              (only with --scans: OCR takes seconds a page)
 * The ground truth is the embedded XML read with a plain XML parser (corpus-truth.ts); a field
 * is scored only where the page's text shows the XML's value, as some examples were made by
 * hand and their picture and XML disagree.
 *
 * Leave-one-producer-out, rotating: each producer is held out in turn and scored on its own,
 * beside the producers it was not held out from. The reader has no trained parameters, so what
 * a fold's "training" can leak is a person looking at misses while writing rules: the
 * producers whose misses were looked at are declared in TUNING_PRODUCERS and only their misses
 * are ever listed; HELD_OUT_PRODUCERS were never looked at, and only their folds count. A
 * producer in neither list (a folder added to the corpus later) is held out too, and said so.
 */
export const TUNING_PRODUCERS = ['intarsys', 'fnfe-factur-x-examples', 'konik'];
export const HELD_OUT_PRODUCERS = ['symtrax', '4s4u', 'php_gpfacturx'];

type Kind = 'e-invoice' | 'pdf-text' | 'scan';
interface Tally { scored: number; right: number; wrong: number; missing: number }
interface Observation { right: boolean; confidence: number; field: CorpusField; file: string }
interface Case { file: string; producer: string; truth: Truth; text: string; results: Partial<Record<Kind, ExtractionResult>> }

/** The producer is the folder under v1/ or v2/: each makes its own layout. */
const producerOf = (relative: string): string => relative.split(path.sep)[1]!.toLowerCase();

function pdfsUnder(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? pdfsUnder(full) : /\.pdf$/i.test(name) ? [full] : [];
  });
}

async function scanOf(pdf: Buffer, seed: number): Promise<Buffer> {
  const opened = await openPdfForOcr(pdf, resolveOcrLimits({}));
  const total = opened.total;
  await opened.close();
  const pages: Buffer[] = [];
  for (let n = 1; n <= total; n++) pages.push(await makeScan(pdf, seed + n, n % 2 === 0 ? 'jpeg' : 'png', n));
  return scannedPdf(pages);
}

export interface CorpusOptions {
  /** Also score a scan of every page (OCR: seconds a page). */
  scans: boolean;
  /** Scan only the first N documents of each producer (in file order), to fit a slow machine. */
  scansPerProducer?: number;
  /** Keep each scan's OCR reading in this folder and replay it (ocr-cache.ts). */
  ocrCache?: string;
  verbose: boolean;
}

async function readCases(dir: string, options: CorpusOptions): Promise<Case[]> {
  const cases: Case[] = [];
  const scanned = new Map<string, number>();
  const readScan = options.ocrCache ? cachedScanReader(options.ocrCache) : (bytes: Uint8Array) => extractDocument({ bytes: Buffer.from(bytes), filename: 'scan.pdf' });
  for (const [i, file] of pdfsUnder(dir).entries()) {
    const bytes = readFileSync(file);
    const xml = embeddedXml(bytes);
    if (!xml) { console.error(`bench:extract: ${file} carries no XML, left out`); continue; }
    const relative = path.relative(dir, file);
    // accuracy, not speed: on a loaded machine the 10 s default stopped whole runs (one PDF's timeout)
    const reading = await readTextPdf(bytes, new Budget(resolveLimits({ timeoutMs: 120_000 })));
    const text = 'ocr' in reading ? undefined : reading; // no text layer: nothing read from text
    const results: Case['results'] = { 'e-invoice': await extractDocument({ bytes, filename: path.basename(file) }), 'pdf-text': text };
    const producer = producerOf(relative);
    const nth = (scanned.get(producer) ?? 0) + 1;
    if (options.scans && nth <= (options.scansPerProducer ?? Infinity)) {
      scanned.set(producer, nth);
      console.error(`bench:extract: scanning ${relative}...`);
      results.scan = await readScan(await scanOf(bytes, 7000 + 10 * i), 'scan.pdf');
    }
    cases.push({ file: relative, producer, truth: truthOf(xml), text: text?.ok ? text.text : '', results });
  }
  return cases;
}

interface Group { tallies: Record<CorpusField, Tally>; observations: Observation[]; documents: number }
const emptyGroup = (): Group => ({
  tallies: Object.fromEntries(CORPUS_FIELDS.map((f) => [f, { scored: 0, right: 0, wrong: 0, missing: 0 }])) as Group['tallies'],
  observations: [], documents: 0,
});

function score(cases: Case[], kind: Kind, misses: string[] | null): Group {
  const group = emptyGroup();
  for (const c of cases) {
    const result = c.results[kind];
    if (!result) continue;
    group.documents++;
    for (const field of CORPUS_FIELDS) {
      const want = c.truth[field];
      if (want === undefined || !shownInText(field, want, c.text)) continue;
      const got = result.ok ? result.fields[field] : undefined;
      const tally = group.tallies[field];
      tally.scored++;
      if (!got) { tally.missing++; misses?.push(`${kind}  ${c.file}  ${field}: want ${JSON.stringify(want)}, none`); continue; }
      const right = sameForCorpus(field, String(got.value), want);
      if (right) tally.right++;
      else { tally.wrong++; misses?.push(`${kind}  ${c.file}  ${field}: want ${JSON.stringify(want)}, got ${JSON.stringify(got.value)} (${got.confidence})`); }
      group.observations.push({ right, confidence: got.confidence, field, file: c.file });
    }
  }
  return group;
}

/**
 * As score.ts's same(), except that a seller name is right with or without its legal form:
 * the XML may say "Au bon moulin" where the letterhead prints "Au bon moulin SARL".
 */
function sameForCorpus(field: CorpusField, got: string, want: string): boolean {
  if (same(field, got, want)) return true;
  const bare = (s: string) => s.replace(/[\s,]+(?:gmbh|ag|kg|ug|sarl|sas|sa|srl|bv|nv|ltd\.?|inc\.?|llc|plc|e\.k\.)$/i, '');
  return field === 'sellerName' && same(field, bare(got), bare(want));
}

const pct = (n: number, d: number): string => (d === 0 ? '-' : `${((100 * n) / d).toFixed(0)}%`);
const cell = (t: Tally): string => (t.scored === 0 ? '-' : `${pct(t.right, t.scored)} (${t.right}/${t.scored}${t.wrong ? `, ${t.wrong} wrong` : ''})`);

function table(columns: Array<[string, Group]>): string {
  const lines = [`| field | ${columns.map(([name, g]) => `${name} (${g.documents})`).join(' | ')} |`, `|---|${columns.map(() => '---:').join('|')}|`];
  for (const f of CORPUS_FIELDS) lines.push(`| ${f} | ${columns.map(([, g]) => cell(g.tallies[f])).join(' | ')} |`);
  const all = (g: Group): Tally => CORPUS_FIELDS.reduce((s, f) => ({ scored: s.scored + g.tallies[f].scored, right: s.right + g.tallies[f].right, wrong: 0, missing: 0 }), { scored: 0, right: 0, wrong: 0, missing: 0 });
  lines.push(`| all fields | ${columns.map(([, g]) => cell(all(g))).join(' | ')} |`);
  // a confidence means something when wrong values are low and right values high
  const wrong = (g: Group) => g.observations.filter((o) => !o.right), right = (g: Group) => g.observations.filter((o) => o.right);
  lines.push(`| wrong with confidence < 0.8 | ${columns.map(([, g]) => pct(wrong(g).filter((o) => o.confidence < 0.8).length, wrong(g).length)).join(' | ')} |`);
  lines.push(`| right with confidence >= 0.8 | ${columns.map(([, g]) => pct(right(g).filter((o) => o.confidence >= 0.8).length, right(g).length)).join(' | ')} |`);
  return lines.join('\n');
}

export async function runCorpus(dir: string, options: CorpusOptions): Promise<void> {
  const started = Date.now();
  const cases = await readCases(dir, options);
  await closeOcr();
  const producers = [...new Set(cases.map((c) => c.producer))].sort();
  const heldOut = producers.filter((p) => !TUNING_PRODUCERS.includes(p));
  const undeclared = heldOut.filter((p) => !HELD_OUT_PRODUCERS.includes(p));
  console.log(`Factur-X / ZUGFeRD corpus: ${cases.length} documents, ${producers.length} producers, each held out in turn.`);
  console.log(`Misses looked at while writing rules (tuning): ${TUNING_PRODUCERS.join(', ')}. Never looked at (held out): ${heldOut.join(', ')}${undeclared.length ? ` (${undeclared.join(', ')}: new, not declared)` : ''}.`);
  console.log('Right / scored, a field scored where the page shows the XML\'s value.\n');
  const misses: string[] = [];
  const of = (names: string[]) => cases.filter((c) => names.includes(c.producer));
  for (const kind of ['e-invoice', 'pdf-text', ...(options.scans ? ['scan'] : [])] as Kind[]) {
    // one fold per producer: the held-out folds count, the tuning folds are shown apart as tuned figures
    const folds = (names: string[], tuned: boolean) => names.map((p): [string, Group] => [tuned ? `${p} (tuned)` : p, score(of([p]), kind, null)]);
    const held: Array<[string, Group]> = [...folds(heldOut, false), ['held out', score(of(heldOut), kind, null)]];
    const tuned: Array<[string, Group]> = [...folds(TUNING_PRODUCERS.filter((p) => producers.includes(p)), true), ['tuning', score(of(TUNING_PRODUCERS), kind, misses)]];
    console.log(`### ${kind}: held-out folds\n\n${table(held)}\n`);
    console.log(`### ${kind}: tuning folds (looked at; these figures do not count)\n\n${table(tuned)}\n`);
  }
  // only the tuning producers' misses are ever listed: looking at held-out ones would tune on them
  if (options.verbose) {
    for (const m of misses) console.log(`tuning miss: ${m}`);
    for (const kind of ['pdf-text', ...(options.scans ? ['scan'] : [])] as Kind[]) {
      const seen = score(cases.filter((c) => TUNING_PRODUCERS.includes(c.producer)), kind, null).observations;
      for (const field of CORPUS_FIELDS) {
        const of = seen.filter((o) => o.field === field);
        const lowRight = of.filter((o) => o.right && o.confidence < 0.8).map((o) => `${o.confidence} ${o.file}`);
        const highWrong = of.filter((o) => !o.right && o.confidence >= 0.8).map((o) => `${o.confidence} ${o.file}`);
        if (lowRight.length + highWrong.length) console.log(`tuning calibration ${kind} ${field}: right below 0.8 [${lowRight.join(', ')}], wrong at 0.8+ [${highWrong.join(', ')}]`);
      }
    }
  }
  console.log(`${cases.length} documents in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
