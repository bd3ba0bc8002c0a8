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

export async function scanCases(fixtures: FixtureInvoice[], perFixture: number): Promise<Array<LabelledCase & { container: ScanContainer }>> {
  const cases: Array<LabelledCase & { container: ScanContainer }> = [];
  for (const [i, fx] of fixtures.entries()) {
    for (let k = 0; k < perFixture; k++) {
      const n = i * perFixture + k;
      const l = n % LANGUAGES.length;
      const lang = LANGUAGES[l]!, layout = LAYOUTS[Math.floor(n / LANGUAGES.length) % LAYOUTS.length]!;
      // the seed the text-PDF kind uses for this fixture and language: the scan is of that very PDF
      const pdf = await renderInvoicePdf(fx.extraction, lang, layout, i + l);
      const format = (i + k) % 2 === 0 ? 'png' : 'jpeg';
      const scan = await makeScan(pdf, 5000 + n, format);
      const container: ScanContainer = k % 2 === 0 ? 'image' : 'pdf';
      const bytes = container === 'image' ? scan : await scannedPdf([scan]);
      cases.push({ kind: `scan-${container}`, container, name: `${fx.file} ${lang} ${layout} ${container === 'pdf' ? `pdf(${format})` : format}`, bytes, expected: fx.expected });
    }
  }
  return cases;
}
