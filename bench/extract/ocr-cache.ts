import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { resolveLimits } from '../../src/extract/index.js';
import { ocrDocument, type OcrResult } from '../../src/extract/ocr/index.js';
import { fieldsFromOcr } from '../../src/extract/text/read-scan.js';
import type { Reader } from './score.js';

/**
 * OCR takes seconds a page; the field heuristics milliseconds. While tuning the heuristics the
 * OCR of a scan does not change, so `--ocr-cache DIR` keeps each scan's OCR result (keyed by a
 * hash of its bytes) and replays it through the same second half of the scan reader
 * (fieldsFromOcr) that extractDocument uses. Empty the folder after changing anything under
 * src/extract/ocr, or the old readings are scored.
 */
export function cachedScanReader(dir: string): Reader {
  return async (bytes) => {
    const kind = Buffer.from(bytes.subarray(0, 5)).toString('latin1') === '%PDF-' ? 'pdf' : 'image';
    const file = path.join(dir, `${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}.json`);
    let ocr: OcrResult;
    try {
      ocr = JSON.parse(await readFile(file, 'utf8')) as OcrResult;
    } catch {
      ocr = await ocrDocument(Buffer.from(bytes), kind);
      // a failure (a page timed out on a loaded machine) is not kept: the next run tries again
      if (ocr.ok) {
        await mkdir(dir, { recursive: true });
        await writeFile(file, JSON.stringify(ocr));
      }
    }
    return fieldsFromOcr(ocr, kind, resolveLimits({}));
  };
}
