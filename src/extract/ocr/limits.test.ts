import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { after, describe, it } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import { OcrService, type OcrResult } from './index.js';
import { DUTCH_INVOICE, invoicePageImage } from './testing/invoices.js';

/**
 * Untrusted input: bombs, damaged files and huge documents end in a typed failure or a
 * partial result within the limits, and never take the process down.
 */
const ocr = new OcrService({ engine: 'tesseract.js', poolSize: 1 });
after(() => ocr.close());

const reasonOf = (r: OcrResult): string => (r.ok ? 'ok' : r.reason);
const messageOf = (r: OcrResult): string => (r.ok ? '' : r.message);

function crc32(bytes: Buffer): number {
  let crc = ~0;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(8 + data.length + 4);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
}

/** A valid PNG declaring width x height gray pixels, all white: 8 MB of zeros compress to almost nothing. */
function pngDeclaring(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8);
  const rows = deflateSync(Buffer.alloc(8 * 1024 * 1024, 0));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', rows), pngChunk('IEND', Buffer.alloc(0))]);
}

/** A little-endian TIFF whose one directory declares width x height 8-bit gray pixels. */
function tiffDeclaring(width: number, height: number): Buffer {
  const entries: Array<[tag: number, type: number, value: number]> = [
    [256, 4, width], [257, 4, height], [258, 3, 8], [259, 3, 1], [262, 3, 1], [273, 4, 200], [277, 3, 1], [278, 4, height], [279, 4, 64],
  ];
  const out = Buffer.alloc(264);
  out.write('II*\0', 0, 'latin1');
  out.writeUInt32LE(8, 4);
  out.writeUInt16LE(entries.length, 8);
  entries.forEach(([tag, type, value], i) => {
    const at = 10 + i * 12;
    out.writeUInt16LE(tag, at);
    out.writeUInt16LE(type, at + 2);
    out.writeUInt32LE(1, at + 4);
    if (type === 3) out.writeUInt16LE(value, at + 8); else out.writeUInt32LE(value, at + 8);
  });
  return out;
}

async function blankPdf(pages: number): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  for (let i = 0; i < pages; i++) pdf.addPage([595, 842]);
  return Buffer.from(await pdf.save());
}

describe('OCR limits on untrusted input', () => {
  it('refuses a PNG that declares 100,000 x 100,000 pixels without decoding it', async () => {
    const bomb = pngDeclaring(100_000, 100_000);
    assert.ok(bomb.length < 100_000);
    const result = await ocr.ocrDocument(bomb, 'image');
    assert.equal(reasonOf(result), 'too_large');
    assert.match(messageOf(result), /100000 x 100000 pixels/);
  });

  it('refuses a TIFF that declares absurd dimensions', async () => {
    const result = await ocr.ocrDocument(tiffDeclaring(60_000, 60_000), 'image');
    assert.equal(reasonOf(result), 'too_large');
  });

  it('refuses a file larger than the input limit', async () => {
    const result = await ocr.ocrDocument(Buffer.alloc(51 * 1024 * 1024, 0xff), 'image');
    assert.equal(reasonOf(result), 'too_large');
    assert.match(messageOf(result), /51 MB/);
  });

  it('reports damaged and truncated images as malformed', async () => {
    const png = invoicePageImage(DUTCH_INVOICE, { dpi: 50 });
    const garbled = Buffer.from(png);
    for (let i = 60; i < garbled.length - 20; i++) garbled[i] = (i * 7) & 255;
    const jpeg = invoicePageImage(DUTCH_INVOICE, { dpi: 50, format: 'jpeg' });
    for (const bytes of [garbled, png.subarray(0, 200), jpeg.subarray(0, jpeg.length / 2), jpeg.subarray(0, 100), Buffer.from([0xff, 0xd8, 0xff])]) {
      const result = await ocr.ocrDocument(bytes, 'image');
      assert.equal(reasonOf(result), 'malformed', messageOf(result));
      assert.match(messageOf(result), /damaged/);
    }
  });

  it('says which images it does not read', async () => {
    const gif = Buffer.from('GIF89a\x10\x00\x10\x00\x00\x00\x00', 'latin1');
    assert.equal(reasonOf(await ocr.ocrDocument(gif, 'image')), 'unsupported');
    assert.equal(reasonOf(await ocr.ocrDocument(Buffer.from('hello, not an image'), 'image')), 'unsupported');
    assert.equal(reasonOf(await ocr.ocrDocument(Buffer.alloc(0), 'image')), 'malformed');
  });

  it('refuses a damaged PDF and one with more pages than allowed', async () => {
    assert.equal(reasonOf(await ocr.ocrDocument(Buffer.from('%PDF-1.7\n1 0 obj <<'), 'pdf')), 'malformed');
    const result = await ocr.ocrDocument(await blankPdf(500), 'pdf', { limits: { maxPages: 300 } });
    assert.equal(reasonOf(result), 'too_many_pages');
    assert.match(messageOf(result), /500 pages/);
  });

  it('reads only the first pages of a 500-page scan and says the result is partial', async () => {
    const result = await ocr.ocrDocument(await blankPdf(500), 'pdf', { limits: { maxPages: 1000, maxOcrPages: 2 } });
    assert.ok(result.ok, messageOf(result));
    assert.deepEqual(result.pages.map((p) => p.page), [1, 2]);
    assert.deepEqual([result.partial?.pagesRead, result.partial?.pagesTotal], [2, 500]);
    assert.match(result.partial!.message, /Only 2 of 500 pages/);
  });

  it('stops a document that runs out of time', async () => {
    const result = await ocr.ocrDocument(invoicePageImage(DUTCH_INVOICE), 'image', { limits: { timeoutMs: 1 } });
    assert.equal(reasonOf(result), 'timeout');
  });

  it('renders a page whose size would pass the pixel limit at a lower resolution', async () => {
    const pdf = await PDFDocument.create();
    pdf.addPage([14_400, 14_400]); // 200 x 200 inches: 2.5 billion pixels at 250 dpi
    const result = await ocr.ocrDocument(Buffer.from(await pdf.save()), 'pdf', { limits: { maxPixels: 4_000_000 } });
    assert.ok(result.ok, messageOf(result));
    assert.equal(result.pages[0]!.text, '');
  });
});
