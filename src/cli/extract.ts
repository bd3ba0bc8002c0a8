import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config/config.js';
import { closeExtraction, configureExtraction, extractDocument, extractionLimits, FIELD_NAMES, type ExtractionResult } from '../extract/index.js';
import { UsageError } from './context.js';
import { EXIT, printerFor, table } from './output.js';

/**
 * `dossier extract FILE`: what Dossier reads from a document (an e-invoice XML, a PDF with or
 * without embedded XML), without storing anything. With --json the Extraction, or the typed
 * failure, is the one JSON document on stdout; a failure also sets exit code 1.
 */
export function registerExtract(program: Command): void {
  program
    .command('extract')
    .description('Read the fields of an invoice file (UBL, CII, Factur-X, a PDF with text, a scan or a photo) without storing it.')
    .argument('<file>', 'the document to read')
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      const out = printerFor(cmd);
      // the same threads and limits as the server; a bad setting stops here with its name
      configureExtraction(loadConfig().extract);
      // The file is read in a thread (a scan also starts OCR workers); end them once the
      // answer is in, so the command exits at once.
      const result = await extractDocument({ bytes: await readLimited(file), filename: basename(file) }).finally(() => closeExtraction());
      out.result(result, describe);
      if (!result.ok) process.exitCode = EXIT.failure;
    });
}

/** Reads at most one byte over the input limit, so a huge file is refused without loading it. */
async function readLimited(file: string): Promise<Buffer> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `There is no file ${file}.` : `The file ${file} cannot be opened (${code ?? 'error'}).`);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new UsageError(`${file} is not a file.`);
    const buf = Buffer.alloc(Math.min(stat.size, extractionLimits().maxInputBytes + 1));
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function describe(result: ExtractionResult): string[] {
  if (!result.ok) return [`Not read (${result.reason}): ${result.message}`];
  const rows = FIELD_NAMES.flatMap((name) => {
    const f = result.fields[name];
    return f ? [[name, String(f.value), f.confidence.toFixed(2)]] : [];
  });
  return [
    `Read as ${result.source}${result.pages !== null ? `, ${result.pages} page${result.pages === 1 ? '' : 's'}` : ''}.`,
    ...table(['FIELD', 'VALUE', 'CONFIDENCE'], rows),
    ...(result.warnings.length ? ['', 'Warnings:', ...result.warnings.map((w) => `  ${w.code}: ${w.message}`)] : []),
  ];
}
