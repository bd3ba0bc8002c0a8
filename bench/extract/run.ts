import { LANGUAGES } from '../../src/domain/documents.js';
import { extractDocument } from '../../src/extract/index.js';
import { loadFixtures, type FixtureInvoice } from './labelled-set.js';
import { LAYOUTS, renderInvoicePdf } from './render.js';
import { accuracyTable, calibrationTable, scoreSource, type KindScore, type LabelledCase, type Reader } from './score.js';

/**
 * `npm run bench:extract`: accuracy of document reading per field and source kind.
 *   ubl, cii   the shared e-invoice fixtures, read by the structured reader
 *   pdf-text   the same invoices rendered as text PDFs in nl, fr, de and en, in three layouts
 * A scan kind plugs in through `textPdfCases` and `scoreSource`: rasterize each generated PDF,
 * then score an OCR reader on the same expected values.
 */

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
  const fixtures = await loadFixtures();
  const scores: KindScore[] = [];
  for (const syntax of ['ubl', 'cii'] as const) {
    const cases = fixtures.filter((f) => f.syntax === syntax).map((f) => ({ kind: syntax, name: f.file, bytes: f.bytes, expected: f.expected }));
    scores.push(await scoreSource(syntax, cases, readWithDossier));
  }
  const pdfCases = await textPdfCases(fixtures);
  scores.push(await scoreSource('pdf-text', pdfCases, readWithDossier));

  console.log('Per-field accuracy (right / expected):\n');
  console.log(accuracyTable(scores));
  console.log('\nCalibration of the pdf-text confidences:\n');
  console.log(calibrationTable(scores.filter((s) => s.kind === 'pdf-text')));
  for (const s of scores) for (const f of s.failures) console.log(`failed: ${f}`);
  if (process.env.BENCH_VERBOSE) await printMisses(pdfCases);
  console.log(`\n${scores.reduce((n, s) => n + s.cases, 0)} documents in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** With BENCH_VERBOSE=1: every wrong or missing pdf-text value, to see what to fix. */
async function printMisses(cases: LabelledCase[]): Promise<void> {
  const { same } = await import('./score.js');
  for (const c of cases) {
    const r = await readWithDossier(c.bytes, c.name);
    if (!r.ok) continue;
    for (const [field, want] of Object.entries(c.expected)) {
      const got = r.fields[field as keyof typeof r.fields]?.value;
      if (got === undefined || !same(field as never, String(got), String(want))) console.log(`${c.name}  ${field}: want ${JSON.stringify(want)} got ${JSON.stringify(got)}`);
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
