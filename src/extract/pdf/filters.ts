import { constants, createInflate, inflateSync } from 'node:zlib';
import { ExtractionError, fail, formatBytes, type Budget } from '../budget.js';
import { PdfDict, PdfName, type PdfStream, type PdfValue } from './objects.js';

/**
 * Stream decoding with a hard output limit. Every inflate is told how much it may produce
 * (zlib's maxOutputLength), so a 10 KB stream that would unpack to 10 GB stops at the limit
 * instead of taking the process down.
 */

/** Decodes a stream's filters; `cap` bounds this one stream, the budget bounds the document. */
export function decodeStream(stream: PdfStream, budget: Budget, cap: number, what: string): Buffer {
  const filters = asArray(stream.dict.get('Filter'));
  const params = asArray(stream.dict.get('DecodeParms'));
  let data = stream.data;
  filters.forEach((filter, i) => {
    const name = filter instanceof PdfName ? filter.name : String(filter);
    const param = params[i] instanceof PdfDict ? (params[i] as PdfDict) : null;
    budget.checkTime();
    switch (name) {
      case 'FlateDecode': case 'Fl':
        data = inflateBounded(data, budget, cap, what);
        data = undoPredictor(data, param, what);
        break;
      case 'ASCIIHexDecode': case 'AHx':
        data = decodeHex(data);
        break;
      default:
        fail('unsupported', `${what} is compressed with ${name}, which is not read; only Flate compression is supported.`);
    }
  });
  if (data.length > cap) fail('too_large', `${what} is ${formatBytes(data.length)}; the limit is ${formatBytes(cap)}.`);
  return data;
}

/** Hex digits up to ">", whitespace ignored; an odd last digit is followed by an implied 0. */
function decodeHex(data: Buffer): Buffer {
  let hex = data.toString('latin1').replace(/>[\s\S]*$/, '').replace(/[^0-9A-Fa-f]/g, '');
  if (hex.length % 2) hex += '0';
  return Buffer.from(hex, 'hex');
}

function asArray(value: PdfValue | undefined): PdfValue[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * What a stream compressed with Flate first unpacks to, counted and dropped as it comes (so
 * measuring a bomb holds no more than zlib's chunk), and counted against the budget: how much
 * another reader (pdfjs) would have to hold to decode it. Other streams are not measured (0);
 * a damaged one counts what unpacks before the damage, as much as a reader could get from it.
 */
export async function inflatedSize(stream: PdfStream, budget: Budget, what: string): Promise<number> {
  const first = asArray(stream.dict.get('Filter'))[0];
  const name = first instanceof PdfName ? first.name : null;
  if (name !== 'FlateDecode' && name !== 'Fl') return 0;
  budget.checkTime();
  const allowance = budget.inflateAllowance();
  const total = await new Promise<number>((resolve) => {
    // large chunks: fewer events to count, the same memory (each is dropped once counted)
    const inflate = createInflate({ finishFlush: constants.Z_SYNC_FLUSH, chunkSize: 1024 * 1024 });
    let count = 0;
    inflate.on('data', (chunk: Buffer) => {
      count += chunk.length;
      if (count > allowance) { inflate.destroy(); resolve(count); }
    });
    inflate.on('end', () => resolve(count));
    inflate.on('error', () => resolve(count));
    inflate.end(stream.data);
  });
  if (total > allowance) return budget.tooMuchInflated(what);
  budget.recordInflated(total);
  return total;
}

function inflateBounded(data: Buffer, budget: Budget, cap: number, what: string): Buffer {
  const allowance = budget.inflateAllowance(cap);
  if (allowance < 1) return budget.tooMuchInflated(what);
  let out: Buffer;
  try {
    // Z_SYNC_FLUSH accepts streams cut short before their checksum, which many PDF writers produce.
    out = inflateSync(data, { maxOutputLength: allowance, finishFlush: constants.Z_SYNC_FLUSH });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      if (allowance >= cap) fail('too_large', `${what} unpacks to more than ${formatBytes(cap)}, the limit for it. The file may be a compression bomb.`);
      return budget.tooMuchInflated(what);
    }
    if (err instanceof ExtractionError) throw err;
    return fail('malformed', `${what} is damaged: its compressed data cannot be unpacked (${(err as Error).message}).`);
  }
  budget.recordInflated(out.length);
  return out;
}

/** PNG predictors (10-15), as cross-reference and object streams use them. */
function undoPredictor(data: Buffer, params: PdfDict | null, what: string): Buffer {
  const predictor = numberOf(params?.get('Predictor'), 1);
  if (predictor < 10) {
    if (predictor === 1) return data;
    return fail('unsupported', `${what} uses TIFF prediction, which is not read.`);
  }
  const colors = numberOf(params?.get('Colors'), 1);
  const bits = numberOf(params?.get('BitsPerComponent'), 8);
  const columns = numberOf(params?.get('Columns'), 1);
  const bpp = Math.max(1, Math.ceil((colors * bits) / 8));
  const rowLength = Math.ceil((colors * bits * columns) / 8);
  if (rowLength < 1) return fail('malformed', `${what} has invalid predictor parameters.`);
  const rows = Math.floor(data.length / (rowLength + 1));
  const out = Buffer.alloc(rows * rowLength);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (rowLength + 1)];
    const src = r * (rowLength + 1) + 1;
    const dst = r * rowLength;
    for (let i = 0; i < rowLength; i++) {
      const raw = data[src + i]!;
      const left = i >= bpp ? out[dst + i - bpp]! : 0;
      const up = r > 0 ? out[dst - rowLength + i]! : 0;
      const upLeft = r > 0 && i >= bpp ? out[dst - rowLength + i - bpp]! : 0;
      let value: number;
      switch (type) {
        case 0: value = raw; break;
        case 1: value = raw + left; break;
        case 2: value = raw + up; break;
        case 3: value = raw + ((left + up) >> 1); break;
        case 4: value = raw + paeth(left, up, upLeft); break;
        default: return fail('malformed', `${what} has an unknown PNG row filter ${type}.`);
      }
      out[dst + i] = value & 0xff;
    }
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

function numberOf(value: PdfValue | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}
