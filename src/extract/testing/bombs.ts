import { Readable } from 'node:stream';
import { constants, createDeflate } from 'node:zlib';

/**
 * Hostile PDFs for the tests and benchmarks of untrusted reading: a valid one-page PDF whose
 * content stream is Flate-compressed zeros. Deflate packs zeros about 1000:1, so a stream that
 * unpacks to 1 GiB is about 1 MB in the file; a reader that decodes the page holds the whole
 * GiB unless something stops it.
 */

const GiB = 1024 ** 3;
const made = new Map<number, Promise<Buffer>>();

/** A PDF whose page content unpacks to `inflatedBytes` (default 1 GiB); made once per size. */
export function pdfBomb(inflatedBytes = GiB): Promise<Buffer> {
  let bomb = made.get(inflatedBytes);
  if (!bomb) {
    bomb = deflateZeros(inflatedBytes).then(pdfWithContent);
    made.set(inflatedBytes, bomb);
  }
  return bomb;
}

async function deflateZeros(total: number): Promise<Buffer> {
  const chunk = Buffer.alloc(1024 * 1024);
  let left = total;
  const zeros = Readable.from((function* () {
    while (left > 0) {
      const n = Math.min(left, chunk.length);
      left -= n;
      yield chunk.subarray(0, n);
    }
  })());
  const out: Buffer[] = [];
  for await (const part of zeros.pipe(createDeflate({ level: constants.Z_BEST_COMPRESSION, memLevel: 9 }))) out.push(part as Buffer);
  return Buffer.concat(out);
}

/** A one-page PDF (catalog, page tree, page, content stream) with a correct cross-reference table. */
function pdfWithContent(content: Buffer): Buffer {
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let size = 0;
  const add = (part: string | Buffer) => {
    const buf = typeof part === 'string' ? Buffer.from(part, 'latin1') : part;
    parts.push(buf);
    size += buf.length;
  };
  const object = (body: string | Buffer[]) => {
    offsets.push(size);
    add(`${offsets.length} 0 obj\n`);
    if (typeof body === 'string') add(body); else body.forEach(add);
    add('\nendobj\n');
  };
  add('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n');
  object('<< /Type /Catalog /Pages 2 0 R >>');
  object('<< /Type /Pages /Kids [3 0 R] /Count 1 >>');
  object('<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> /Contents 4 0 R >>');
  object([Buffer.from(`<< /Length ${content.length} /Filter /FlateDecode >>\nstream\n`, 'latin1'), content, Buffer.from('\nendstream', 'latin1')]);
  const xrefAt = size;
  add(`xref\n0 ${offsets.length + 1}\n0000000000 65535 f \n`);
  for (const offset of offsets) add(`${String(offset).padStart(10, '0')} 00000 n \n`);
  add(`trailer\n<< /Size ${offsets.length + 1} /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`);
  return Buffer.concat(parts);
}
