import { DEFAULT_LIMITS, type ExtractionFailure, type ExtractionInput, type ExtractionResult, type Limits } from './types.js';
import { Budget, ExtractionError, formatBytes } from './budget.js';
import { sniff } from './sniff.js';
import { readStructuredXml } from './structured.js';
import { checkPageLimit, readPdf } from './facturx.js';
import { readTextPdf } from './text/read-text-pdf.js';
import { readScan } from './text/read-scan.js';

/**
 * The one entry point: bytes in, an Extraction or a typed failure out. It never throws and
 * never reads more than the limits allow, whatever the bytes are: a hostile XML, a zip bomb,
 * a truncated PDF, a photo.
 *
 * The readers are synchronous and check the time budget between steps and inside every loop
 * that grows with the input; the size limits bound the work between two checks.
 */
export async function extractDocument(input: ExtractionInput, limits: Partial<Limits> = {}): Promise<ExtractionResult> {
  try {
    return await readDocument(input, resolveLimits(limits));
  } catch (err) {
    if (err instanceof ExtractionError) return err.toFailure();
    // A bug or an input we did not foresee: still a typed answer, never a crash of the caller.
    const detail = err instanceof Error ? err.message : String(err);
    return { ok: false, reason: 'malformed', message: `The document could not be read (${detail}). It may be damaged; ask the sender for a new copy.` };
  }
}

export function resolveLimits(overrides: Partial<Limits>): Limits {
  const limits: Limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as Array<keyof Limits>) {
    const value = overrides[key];
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) limits[key] = value;
  }
  return limits;
}

async function readDocument(input: ExtractionInput, limits: Limits): Promise<ExtractionResult> {
  // callers in plain JavaScript may pass a Uint8Array or nothing at all
  const given: unknown = input?.bytes;
  const bytes = Buffer.isBuffer(given) ? given
    : given instanceof Uint8Array ? Buffer.from(given.buffer, given.byteOffset, given.byteLength) : null;
  if (!bytes) return failure('unsupported', 'No file content was given.');
  if (bytes.length > limits.maxInputBytes) {
    return failure('too_large', `The file is ${formatBytes(bytes.length)}; files of more than ${formatBytes(limits.maxInputBytes)} are not read. ` +
      'Ask the sender for a smaller file, or split a scan into separate documents.');
  }
  if (bytes.length === 0) return failure('malformed', 'The file is empty (0 bytes): the upload or download probably failed. Add it again.');
  const budget = new Budget(limits);
  budget.checkTime();

  const sniffed = sniff(bytes);
  switch (sniffed.kind) {
    case 'xml':
      return readStructuredXml(bytes, budget);
    case 'pdf': {
      const reading = readPdf(bytes, budget);
      if (reading.found === 'xml') return reading.extraction;
      if (reading.truncated) {
        return failure('malformed', 'The PDF is incomplete (it ends before its last part, as after an interrupted download) ' +
          'and no e-invoice XML was found in what is there. Ask the sender for a new copy.');
      }
      checkPageLimit(reading.pages, budget);
      return readTextPdf(bytes, budget);
    }
    case 'image':
      return readScan(bytes, 'image', limits);
    case 'html':
      return failure('unsupported', 'The file is an HTML page, not an invoice. If it came from a download link, the link may have expired or need a login.');
    case 'archive':
      return failure('unsupported', `The file is a ${sniffed.format} archive. Unpack it and add the documents inside one by one.`);
    case 'unknown': {
      const claimsPdf = /\.pdf$/i.test(input.filename ?? '') || /pdf/i.test(input.mime ?? '');
      const claimsXml = /\.xml$/i.test(input.filename ?? '') || /xml/i.test(input.mime ?? '');
      if (claimsPdf || claimsXml) {
        return failure('malformed', `The file is ${input.filename ? `named ${input.filename}` : `sent as ${input.mime}`} but does not start like a ${claimsPdf ? 'PDF' : 'XML file'}: it is damaged or something else. Ask the sender for a new copy.`);
      }
      return failure('unsupported', 'The file is not a PDF, an e-invoice XML or an image, so it cannot be read.');
    }
  }
}

const failure = (reason: ExtractionFailure['reason'], message: string): ExtractionFailure => ({ ok: false, reason, message });
