// npm run bench:ocr — OCR speed of Dossier's engines next to the tesseract command line, on
// the same scanned invoices in the same run, and whether each read the key values exactly.
// Usage: npm run bench:ocr [-- --pages N] [--pool N]
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { nativeLanguages } from '../../src/extract/ocr/engines/native.js';
import { defaultPoolSize, OcrService } from '../../src/extract/ocr/index.js';
import { OCR_LANGUAGES, type OcrEngineName } from '../../src/extract/ocr/types.js';
import { benchInvoice, type BenchInvoice } from './invoices.js';
import { makeScan } from './scans.js';

const run = promisify(execFile);
const arg = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};

interface Page { invoice: BenchInvoice; png: Buffer; file: string }
interface Measured { name: string; ms: number; pages: number; exact: number; fields: number }

const FIELDS = ['number', 'date', 'total', 'vatId'] as const;
const countExact = (text: string, invoice: BenchInvoice): number => FIELDS.filter((f) => text.includes(invoice.expected[f])).length;

async function makePages(count: number, dir: string): Promise<Page[]> {
  const pages: Page[] = [];
  for (let i = 0; i < count; i++) {
    const invoice = await benchInvoice(OCR_LANGUAGES[i % OCR_LANGUAGES.length]!, 1000 + i);
    const png = await makeScan(invoice.pdf, 2000 + i);
    const file = join(dir, `scan-${i}.png`);
    await writeFile(file, png);
    pages.push({ invoice, png, file });
  }
  return pages;
}

async function measureDossier(engine: OcrEngineName, pages: Page[], poolSize: number): Promise<Measured> {
  const ocr = new OcrService({ engine, poolSize });
  try {
    // workers start on first use; the service keeps them, so start-up is not part of the rate
    await Promise.all(Array.from({ length: poolSize }, () => ocr.ocrDocument(pages[0]!.png, 'image')));
    const start = performance.now();
    const results = await Promise.all(pages.map((p) => ocr.ocrDocument(p.png, 'image')));
    const ms = performance.now() - start;
    let exact = 0;
    results.forEach((r, i) => {
      if (!r.ok) throw new Error(`Dossier (${engine}) failed on page ${i}: ${r.message}`);
      exact += countExact(r.pages[0]!.text, pages[i]!.invoice);
    });
    return { name: `Dossier, ${engine} (pool of ${poolSize})`, ms, pages: pages.length, exact, fields: pages.length * FIELDS.length };
  } finally {
    await ocr.close();
  }
}

/** The command line as one would run it by hand: one page after another, tesseract's own threading. */
async function measureCli(pages: Page[]): Promise<Measured> {
  const start = performance.now();
  let exact = 0;
  for (const page of pages) {
    const { stdout } = await run('tesseract', [page.file, 'stdout', '-l', OCR_LANGUAGES.join('+')], { maxBuffer: 16 * 1024 * 1024 });
    exact += countExact(stdout, page.invoice);
  }
  return { name: 'tesseract CLI (one process per page, in turn)', ms: performance.now() - start, pages: pages.length, exact, fields: pages.length * FIELDS.length };
}

const perMinute = (m: Measured): number => (m.pages / m.ms) * 60_000;

async function main(): Promise<void> {
  const count = arg('pages', 8);
  const poolSize = arg('pool', defaultPoolSize());
  const dir = await mkdtemp(join(tmpdir(), 'dossier-bench-ocr-'));
  try {
    console.error(`bench:ocr: making ${count} scanned invoices at 200 dpi...`);
    const pages = await makePages(count, dir);
    const installed = await nativeLanguages();
    const haveNative = installed !== null && OCR_LANGUAGES.every((l) => installed.has(l));
    const rows: Measured[] = [];
    console.error('bench:ocr: tesseract.js...');
    rows.push(await measureDossier('tesseract.js', pages, poolSize));
    if (haveNative) {
      console.error('bench:ocr: Dossier with the native engine...');
      rows.push(await measureDossier('native', pages, poolSize));
      console.error('bench:ocr: tesseract command line...');
      rows.push(await measureCli(pages));
    }
    const version = haveNative ? (await run('tesseract', ['--version'])).stdout.split('\n')[0] : 'not installed';
    const out = [
      `## OCR speed: ${count} scanned A4 invoices (200 dpi, skewed 0.5-2 degrees, noise), languages ${OCR_LANGUAGES.join('+')}`,
      '', `tesseract command: ${version}; tesseract.js: 7, LSTM best_int models from @tesseract.js-data`, '',
      '| Engine | Time | Pages per minute | Key values read exactly |', '|---|---:|---:|---:|',
      ...rows.map((m) => `| ${m.name} | ${(m.ms / 1000).toFixed(1)} s | ${perMinute(m).toFixed(1)} | ${m.exact}/${m.fields} |`),
      '',
    ];
    const cli = rows.find((r) => r.name.startsWith('tesseract CLI'));
    if (cli) {
      for (const m of rows.filter((r) => r !== cli)) out.push(`- ${m.name}: ${(perMinute(m) / perMinute(cli)).toFixed(2)}x the command line's rate`);
      // rows[0] is tesseract.js, what 'auto' picks when its language data is installed (the package's default)
      out.push(`- goal: Dossier's default engine, one worker per core, at least 1.5x the command line: ${perMinute(rows[0]!) / perMinute(cli) >= 1.5 ? 'met' : 'NOT met'} in this run`);
      const [js, native] = [rows[0]!, rows[1]!];
      out.push(`- 'auto' uses tesseract.js (its npm language data is installed); in this run it was ${perMinute(js) >= perMinute(native) ? 'faster' : 'slower'} than Dossier's native engine ` +
        `(${(perMinute(js) / perMinute(native)).toFixed(2)}x). Force the other with engine 'native' where it is faster.`);
    } else {
      out.push('- The tesseract command is not installed (Debian tesseract-ocr, tesseract-ocr-nld/-fra/-deu): no comparison; Dossier uses tesseract.js.');
    }
    console.log(out.join('\n'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
