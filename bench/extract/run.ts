import { LANGUAGES } from '../../src/domain/documents.js';
import { closeOcr, extractDocument } from '../../src/extract/index.js';
import { loadFixtures, type FixtureInvoice } from './labelled-set.js';
import { LAYOUTS, renderInvoicePdf } from './render.js';
import { cachedScanReader } from './ocr-cache.js';
import { DEFAULT_SCAN_SEED, scanCases, type ScanSet } from './scans.js';
import { findOutsideSet, FACTURX_CORPUS } from '../../test/helpers/outside-sets.js';
import { runCorpus } from './corpus.js';
import { ownLayoutsMain } from './own-layouts.js';
import { freshLayoutsMain } from './fresh-layouts.js';
import { accuracyTable, calibrationTable, mergeScores, scoreSource, type KindScore, type LabelledCase, type Reader } from './score.js';

/**
 * `npm run bench:extract`: accuracy of document reading per field and source kind.
 *   ubl, cii     the e-invoice examples in test/fixtures/einvoice, read by the structured reader
 *   pdf-text     the same invoices rendered as text PDFs in nl, fr, de and en, in three layouts
 *   scan-image   those PDFs scanned (200 dpi, a little crooked, noisy) and handed in as PNG or JPEG
 *   scan-pdf     the same kind of scans handed in as a PDF without a text layer
 *   scan         both scan kinds together
 * Usage: npm run bench:extract [-- --only ubl,cii,pdf-text,scan] [--scans-per-fixture N]
 *        [--scan-seed N] [--scan-part all|even|odd] [--ocr-cache DIR]
 *   --scan-seed    another seed gives other scans (skew, noise, and which language and layout)
 *   --scan-part    only the fixtures at even or odd positions: tune on one half, hold out the other
 *   --ocr-cache    keep each scan's OCR result in DIR and replay it (see ocr-cache.ts)
 * BENCH_VERBOSE=1 lists every wrong, missing or unexpected value.
 *
 * npm run bench:extract -- --corpus [DIR] [--scans] [--scans-per-producer N] [--ocr-cache DIR]:
 * invoices of other producers instead (the Factur-X / ZUGFeRD corpus in DIR, else in
 * DOSSIER_FACTURX_CORPUS), each producer held out in turn (see corpus.ts); --scans-per-producer
 * scans only the first N documents of each producer.
 *
 * npm run bench:extract -- --own-layouts [--scans N]: the fixtures in five layouts the reader is
 * tuned on (own-layouts.ts: their misses are looked at), per layout; N scans per fixture of them besides.
 *
 * npm run bench:extract -- --fresh-layouts: five more layouts (fresh-layouts.ts) written before that
 * tuning and held out from it: aggregate figures only, never their misses.
 */

const arg = (name: string): string | undefined => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
};

export async function textPdfCases(fixtures: FixtureInvoice[]): Promise<LabelledCase[]> {
  const cases: LabelledCase[] = [];
  for (const [i, fx] of fixtures.entries()) {
    for (const [l, lang] of LANGUAGES.entries()) {
      for (const layout of LAYOUTS) {
        const bytes = await renderInvoicePdf(fx.extraction, lang, layout, i + l);
        cases.push({ kind: 'pdf-text', name: `${fx.file} ${lang} ${layout}`, bytes, expected: fx.expected });
      }
    }
  }
  return cases;
}

export const readWithDossier: Reader = (bytes, name) => extractDocument({ bytes: Buffer.from(bytes), filename: name });

async function corpusMain(): Promise<void> {
  const given = arg('corpus');
  const set = given && !given.startsWith('--') ? { dir: given } : findOutsideSet(FACTURX_CORPUS);
  if (!set.dir) { console.log(`bench:extract: ${set.skip}`); return; }
  const perProducer = arg('scans-per-producer');
  await runCorpus(set.dir, {
    scans: process.argv.includes('--scans'), verbose: Boolean(process.env.BENCH_VERBOSE),
    scansPerProducer: perProducer === undefined ? undefined : Number(perProducer), ocrCache: arg('ocr-cache'),
  });
}

async function main(): Promise<void> {
  if (process.argv.includes('--corpus')) return corpusMain();
  if (process.argv.includes('--fresh-layouts')) return freshLayoutsMain();
  if (process.argv.includes('--own-layouts')) return ownLayoutsMain({ scansPerFixture: Number(arg('scans') ?? 0), verbose: Boolean(process.env.BENCH_VERBOSE) });
  const started = Date.now();
  const only = new Set((arg('only') ?? 'ubl,cii,pdf-text,scan').split(','));
  const part = arg('scan-part') ?? 'all';
  if (part !== 'all' && part !== 'even' && part !== 'odd') throw new Error(`--scan-part is all, even or odd, not ${part}`);
  const scanSet: ScanSet = { perFixture: Number(arg('scans-per-fixture') ?? 2), seed: Number(arg('scan-seed') ?? DEFAULT_SCAN_SEED), part };
  const cacheDir = arg('ocr-cache');
  const readScans = cacheDir ? cachedScanReader(cacheDir) : readWithDossier;
  const fixtures = await loadFixtures();
  const scores: KindScore[] = [];
  const cpuAt = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
  for (const syntax of ['ubl', 'cii'] as const) {
    if (!only.has(syntax)) continue;
    const cases = fixtures.filter((f) => f.syntax === syntax).map((f) => ({ kind: syntax, name: f.file, bytes: f.bytes, expected: f.expected }));
    scores.push(await scoreSource(syntax, cases, readWithDossier));
  }
  if (only.has('pdf-text')) scores.push(await scoreSource('pdf-text', await textPdfCases(fixtures), readWithDossier));
  if (only.has('scan')) {
    const scans = await scanCases(fixtures, scanSet);
    console.error(`bench:extract: ${scans.length} scans made (seed ${scanSet.seed}, ${part} fixtures)...`);
    const cpu = cpuAt(), wall = Date.now();
    const byContainer: KindScore[] = [];
    for (const container of ['image', 'pdf'] as const) {
      console.error(`bench:extract: reading the scans handed in as ${container}...`);
      byContainer.push(await scoreSource(`scan-${container}`, scans.filter((c) => c.container === container), readScans));
    }
    scores.push(...byContainer, mergeScores('scan', byContainer));
    // the OCR workers' CPU counts in the process's; wall time on a shared machine says little
    console.error(`bench:extract: ${scans.length} scans read in ${((Date.now() - wall) / 1000).toFixed(0)} s, ${(cpuAt() - cpu).toFixed(0)} s of CPU`);
  }
  await closeOcr();

  console.log('Per-field accuracy (right / expected):\n');
  console.log(accuracyTable(scores));
  for (const kind of ['pdf-text', 'scan']) {
    const s = scores.find((x) => x.kind === kind);
    if (s) console.log(`\nCalibration of the ${kind} confidences:\n\n${calibrationTable([s])}`);
  }
  const reported = scores.filter((s) => s.kind !== 'scan'); // its parts are listed already
  for (const s of reported) for (const f of s.failures) console.log(`failed: ${f}`);
  if (process.env.BENCH_VERBOSE) {
    for (const s of reported) for (const m of s.misses) console.log(`${s.kind}  ${m.name}  ${m.field}: want ${JSON.stringify(m.want)} got ${JSON.stringify(m.got)}`);
  }
  console.log(`\n${reported.reduce((n, s) => n + s.cases, 0)} documents in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
