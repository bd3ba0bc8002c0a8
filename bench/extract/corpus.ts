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
 * The reader has no trained parameters, so "tuning" is a person looking at misses while
 * writing rules: TUNING_PRODUCERS are the producers whose misses may be looked at; every other
 * producer is held out, its misses never listed, and its figures are the ones that count.
 */
export const TUNING_PRODUCERS = ['intarsys', 'fnfe-factur-x-examples', 'konik'];

type Kind = 'e-invoice' | 'pdf-text' | 'scan';
interface Tally { scored: number; right: number; wrong: number; missing: number }
interface Observation { right: boolean; confidence: number; field: CorpusField }
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

async function readCases(dir: string, scans: boolean): Promise<Case[]> {
  const cases: Case[] = [];
  for (const [i, file] of pdfsUnder(dir).entries()) {
    const bytes = readFileSync(file);
    const xml = embeddedXml(bytes);
    if (!xml) { console.error(`bench:extract: ${file} carries no XML, left out`); continue; }
    const relative = path.relative(dir, file);
    // accuracy, not speed: on a loaded machine the 10 s default stopped whole runs (one PDF's timeout)
    const reading = await readTextPdf(bytes, new Budget(resolveLimits({ timeoutMs: 120_000 })));
    const text = 'ocr' in reading ? undefined : reading; // no text layer: nothing read from text
    const results: Case['results'] = { 'e-invoice': await extractDocument({ bytes, filename: path.basename(file) }), 'pdf-text': text };
    if (scans) {
      console.error(`bench:extract: scanning ${relative}...`);
      results.scan = await extractDocument({ bytes: await scanOf(bytes, 7000 + 10 * i), filename: 'scan.pdf' });
    }
    cases.push({ file: relative, producer: producerOf(relative), truth: truthOf(xml), text: text?.ok ? text.text : '', results });
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
      group.observations.push({ right, confidence: got.confidence, field });
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
const cell = (t: Tally): string => (t.scored === 0 ? '-' : `${pct(t.right, t.scored)} (${t.right}/${t.scored})`);

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

export async function runCorpus(dir: string, options: { scans: boolean; verbose: boolean }): Promise<void> {
  const started = Date.now();
  const cases = await readCases(dir, options.scans);
  await closeOcr();
  const producers = [...new Set(cases.map((c) => c.producer))].sort();
  const heldOut = producers.filter((p) => !TUNING_PRODUCERS.includes(p));
  console.log(`Factur-X / ZUGFeRD corpus: ${cases.length} documents; tuned on ${TUNING_PRODUCERS.join(', ')}; held out: ${heldOut.join(', ')}.`);
  console.log('Right / scored, a field scored where the page shows the XML\'s value.\n');
  const misses: string[] = [];
  for (const kind of ['e-invoice', 'pdf-text', ...(options.scans ? ['scan'] : [])] as Kind[]) {
    const of = (names: string[]) => cases.filter((c) => names.includes(c.producer));
    const columns: Array<[string, Group]> = [
      ...heldOut.map((p): [string, Group] => [p, score(of([p]), kind, null)]),
      ['held out', score(of(heldOut), kind, null)],
      ['tuning', score(of(TUNING_PRODUCERS), kind, misses)],
    ];
    console.log(`### ${kind}\n\n${table(columns)}\n`);
  }
  // only the tuning producers' misses are ever listed: looking at held-out ones would tune on them
  if (options.verbose) {
    for (const m of misses) console.log(`tuning miss: ${m}`);
    for (const kind of ['pdf-text', ...(options.scans ? ['scan'] : [])] as Kind[]) {
      const seen = score(cases.filter((c) => TUNING_PRODUCERS.includes(c.producer)), kind, null).observations;
      for (const field of CORPUS_FIELDS) {
        const of = seen.filter((o) => o.field === field);
        const lowRight = of.filter((o) => o.right && o.confidence < 0.8).map((o) => o.confidence);
        const highWrong = of.filter((o) => !o.right && o.confidence >= 0.8).map((o) => o.confidence);
        if (lowRight.length + highWrong.length) console.log(`tuning calibration ${kind} ${field}: right below 0.8 [${lowRight.join(', ')}], wrong at 0.8+ [${highWrong.join(', ')}]`);
      }
    }
  }
  console.log(`${cases.length} documents in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
