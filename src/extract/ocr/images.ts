import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import UTIF from 'utif';
import { sniff } from '../sniff.js';
import { grayFromRgba, halveGray, type GrayImage } from './gray.js';
import { readImageSize, type ImageSize } from './image-header.js';
import { ocrFail, type OcrLimits } from './types.js';

/**
 * Scans and photos to grayscale pages. Every size is checked as declared before decoding, and
 * the decoders are pure JavaScript (pngjs, jpeg-js, UTIF): a damaged file can only make them
 * throw, which becomes a `malformed` failure. (The native image decoder of @napi-rs/canvas
 * crashes the whole process on some damaged PNG and JPEG files, so it never sees user input.)
 */

/** Beyond this many pixels on the long side Tesseract only gets slower (a 48 MP photo of an A4 is ~600 dpi). */
const MAX_OCR_SIDE = 4200;

export async function imagePages(bytes: Buffer, limits: OcrLimits): Promise<{ pages: GrayImage[]; total: number }> {
  if (isTiff(bytes)) return tiffPages(bytes, limits);
  const size = readImageSize(bytes);
  if (!size) {
    const sniffed = sniff(bytes);
    if (sniffed.kind === 'image' && ['PNG', 'JPEG'].includes(sniffed.format)) {
      return ocrFail('malformed', `The ${sniffed.format} image is damaged: its size cannot be read from its header. Ask the sender for a new copy.`);
    }
    return ocrFail('unsupported', 'The file is not an image we can read (PNG, JPEG or TIFF), or its header is damaged. Save it as PDF, PNG or JPEG and add it again.');
  }
  checkPixels(size.width, size.height, limits, `The ${size.format} image`);
  return { pages: [fitForOcr(decode(bytes, size, limits))], total: 1 };
}

function decode(bytes: Buffer, size: ImageSize, limits: OcrLimits): GrayImage {
  const damaged = (err: unknown): never =>
    ocrFail('malformed', `The ${size.format} image could not be decoded (${describe(err)}). It is probably damaged; ask the sender for a new copy.`);
  switch (size.format) {
    case 'PNG': {
      let png: PNG;
      try { png = PNG.sync.read(bytes); } catch (err) { return damaged(err); }
      return grayFromRgba(png.data, png.width, png.height);
    }
    case 'JPEG': {
      let raw: { width: number; height: number; data: Uint8Array };
      try {
        raw = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: limits.maxPixels / 1e6, maxMemoryUsageInMB: 1024 });
      } catch (err) { return damaged(err); }
      if (raw.width * raw.height === 0) return damaged(new Error('no pixels'));
      return grayFromRgba(raw.data, raw.width, raw.height);
    }
    default:
      return ocrFail('unsupported', `${size.format} images are not read by OCR. Save the scan as PDF, PNG or JPEG and add it again.`);
  }
}

/** Halves an oversized photo until its long side fits MAX_OCR_SIDE. */
function fitForOcr(image: GrayImage): GrayImage {
  let out = image;
  while (Math.max(out.width, out.height) > MAX_OCR_SIDE) out = halveGray(out);
  return out;
}

export function checkPixels(width: number, height: number, limits: OcrLimits, what: string): void {
  if (!(width > 0 && height > 0)) ocrFail('malformed', `${what} declares no size (${width} x ${height} pixels); it is damaged. Ask the sender for a new copy.`);
  if (width * height > limits.maxPixels) {
    ocrFail('too_large', `${what} is ${width} x ${height} pixels (${Math.round(width * height / 1e6)} million); ` +
      `images of more than ${Math.round(limits.maxPixels / 1e6)} million pixels are not read. Scan at 300 dpi or less, or send a PDF.`);
  }
}

const isTiff = (b: Buffer): boolean =>
  b.length >= 8 && ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a && b[3] === 0) || (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && b[3] === 0x2a));

/** Multi-page TIFF (fax, office scanners): each directory with an image is one page. */
function tiffPages(bytes: Buffer, limits: OcrLimits): { pages: GrayImage[]; total: number } {
  const ifds = tryTiff(() => UTIF.decode(bytes)).filter((ifd) => tagNumber(ifd, 't256') > 0);
  if (ifds.length === 0) return ocrFail('malformed', 'The TIFF image holds no picture; it is probably damaged. Ask the sender for a new copy.');
  const wanted = ifds.slice(0, limits.maxOcrPages);
  // check every declared size first, so a bomb on page 3 stops us before page 1 is decoded
  wanted.forEach((ifd, i) => checkPixels(tagNumber(ifd, 't256'), tagNumber(ifd, 't257'), limits, `Page ${i + 1} of the TIFF image`));
  const pages = wanted.map((ifd) => {
    tryTiff(() => UTIF.decodeImage(bytes, ifd));
    const rgba = tryTiff(() => UTIF.toRGBA8(ifd));
    if (rgba.length < ifd.width * ifd.height * 4) ocrFail('malformed', 'The TIFF image is truncated or uses a compression we cannot read. Save it as PDF or PNG and add it again.');
    return fitForOcr(grayFromRgba(rgba, ifd.width, ifd.height));
  });
  return { pages, total: ifds.length };
}

function tryTiff<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    return ocrFail('malformed', `The TIFF image could not be decoded (${describe(err)}). It is probably damaged; ask the sender for a new copy.`);
  }
}

const tagNumber = (ifd: UTIF.IFD, tag: string): number => {
  const value = ifd[tag];
  const first = Array.isArray(value) ? value[0] : typeof value === 'number' ? value : undefined;
  return typeof first === 'number' ? first : 0;
};

export const describe = (err: unknown): string => (err instanceof Error ? err.message : String(err)).slice(0, 200);
