import { LANGUAGES } from '../../src/domain/documents.js';
import { closeOcr, extractDocument } from '../../src/extract/index.js';
import { loadFixtures, type FixtureInvoice } from './labelled-set.js';
import { LAYOUTS, renderInvoicePdf } from './render.js';
import { scanCases } from './scans.js';
import { accuracyTable, calibrationTable, mergeScores, scoreSource, type KindScore, type LabelledCase, type Reader } from './score.js';

/**
 * `npm run bench:extract`: accuracy of document reading per field and source kind.
 *   ubl, cii     the shared e-invoice fixtures, read by the structured reader
 *   pdf-text     the same invoices rendered as text PDFs in nl, fr, de and en, in three layouts
 *   scan-image   those PDFs scanned (200 dpi, a little crooked, noisy) and handed in as PNG or JPEG
 *   scan-pdf     the same kind of scans handed in as a PDF without a text layer
 *   scan         both scan kinds together
 * Usage: npm run bench:extract [-- --only ubl,cii,pdf-text,scan] [--scans-per-fixture N]
 * BENCH_VERBOSE=1 lists every wrong, missing or unexpected value.
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

async function main(): Promise<void> {
  const started = Date.now();
  const only = new Set((arg('only') ?? 'ubl,cii,pdf-text,scan').split(','));
  const perFixture = Number(arg('scans-per-fixture') ?? 2);
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
    console.error(`bench:extract: scanning ${fixtures.length * perFixture} documents...`);
    const scans = await scanCases(fixtures, perFixture);
    const cpu = cpuAt(), wall = Date.now();
    const byContainer: KindScore[] = [];
    for (const container of ['image', 'pdf'] as const) {
      console.error(`bench:extract: reading the scans handed in as ${container}...`);
      byContainer.push(await scoreSource(`scan-${container}`, scans.filter((c) => c.container === container), readWithDossier));
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
