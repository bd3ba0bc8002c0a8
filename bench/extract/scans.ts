import { LANGUAGES } from '../../src/domain/documents.js';
import { scannedPdf } from '../../src/extract/ocr/testing/invoices.js';
import { makeScan } from '../ocr/scans.js';
import type { FixtureInvoice } from './labelled-set.js';
import { LAYOUTS, renderInvoicePdf } from './render.js';
import type { LabelledCase } from './score.js';

/**
 * Scans of the rendered text PDFs: the same invoices, printed and put through a scanner
 * (bench/ocr/scans.ts: 200 dpi, turned 0.5-2 degrees, noise and specks), then read through
 * the whole extraction path as a user would hand them in. Each fixture gives `perFixture`
 * scans; language and layout cycle through all twelve combinations, and the container
 * alternates between an image (PNG or JPEG) and a PDF holding the scan without a text layer,
 * so both are scored on documents alike.
 */

export type ScanContainer = 'image' | 'pdf';

/**
 * Which scans: `seed` drives the scanner's skew and noise and also shifts which language and
 * layout each fixture is scanned in, so another seed gives other documents, not only other
 * noise; `part` keeps the fixtures at even or odd positions, to hold half of the set out while
 * tuning the readers on the other half.
 */
export interface ScanSet { perFixture: number; seed: number; part: 'all' | 'even' | 'odd' }
export const DEFAULT_SCAN_SEED = 5000;

export async function scanCases(fixtures: FixtureInvoice[], set: ScanSet): Promise<Array<LabelledCase & { container: ScanContainer }>> {
  const { perFixture, seed, part } = set;
  const cases: Array<LabelledCase & { container: ScanContainer }> = [];
  const kept = fixtures.map((fx, i) => ({ fx, i })).filter(({ i }) => part === 'all' || i % 2 === (part === 'even' ? 0 : 1));
  for (const [j, { fx, i }] of kept.entries()) {
    for (let k = 0; k < perFixture; k++) {
      // language, layout, image format and container each cycle on their own period, so every
      // language is scanned in every layout, format and container alike
      const combo = j * perFixture + k + seed - DEFAULT_SCAN_SEED;
      const l = combo % LANGUAGES.length;
      const lang = LANGUAGES[l]!, layout = LAYOUTS[Math.floor(combo / LANGUAGES.length) % LAYOUTS.length]!;
      // the seed the text-PDF kind uses for this fixture and language: the scan is of that very PDF
      const pdf = await renderInvoicePdf(fx.extraction, lang, layout, i + l);
      const format = Math.floor(combo / 2) % 2 === 0 ? 'png' : 'jpeg';
      const scan = await makeScan(pdf, seed + j * perFixture + k, format);
      const container: ScanContainer = (k + Math.floor(combo / LANGUAGES.length)) % 2 === 0 ? 'image' : 'pdf';
      const bytes = container === 'image' ? scan : await scannedPdf([scan]);
      cases.push({ kind: `scan-${container}`, container, name: `${fx.file} ${lang} ${layout} ${container === 'pdf' ? `pdf(${format})` : format}`, bytes, expected: fx.expected });
    }
  }
  return cases;
}
