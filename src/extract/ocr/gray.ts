/**
 * A page as Tesseract gets it: one byte of luminance per pixel. Grayscale is the clean-up that
 * always pays (a quarter of the memory, no colour noise for the binariser), and turning it by
 * quarter turns is an index shuffle. It travels to either engine as PGM, which Tesseract reads
 * without a decoder and which costs nothing to write, unlike PNG.
 */
export interface GrayImage {
  width: number;
  height: number;
  /** Row-major, `width * height` bytes, 0 black to 255 white. */
  data: Uint8Array;
}

export type QuarterTurn = 0 | 90 | 180 | 270;

/** ITU-R BT.601 luma from 8-bit RGBA; transparent pixels count as white paper. */
export function grayFromRgba(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): GrayImage {
  const data = new Uint8Array(width * height);
  for (let i = 0, p = 0; i < data.length; i++, p += 4) {
    const alpha = rgba[p + 3]! / 255;
    const luma = 0.299 * rgba[p]! + 0.587 * rgba[p + 1]! + 0.114 * rgba[p + 2]!;
    data[i] = Math.round(luma * alpha + 255 * (1 - alpha));
  }
  return { width, height, data };
}

/** The image turned clockwise by `turn` degrees. */
export function rotateGray(image: GrayImage, turn: QuarterTurn): GrayImage {
  if (turn === 0) return image;
  const { width: w, height: h, data: src } = image;
  const sideways = turn !== 180;
  const out = new Uint8Array(src.length);
  const outWidth = sideways ? h : w;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [nx, ny] = turn === 90 ? [h - 1 - y, x] : turn === 180 ? [w - 1 - x, h - 1 - y] : [y, w - 1 - x];
      out[ny * outWidth + nx] = src[y * w + x]!;
    }
  }
  return { width: outWidth, height: sideways ? w : h, data: out };
}

/** Binary PGM (P5). */
export function toPgm(image: GrayImage): Buffer {
  const header = Buffer.from(`P5\n${image.width} ${image.height}\n255\n`, 'latin1');
  return Buffer.concat([header, image.data]);
}

/** Half the width and height, each pixel the mean of a 2x2 block: a quarter of the work for a trial reading. */
export function halveGray(image: GrayImage): GrayImage {
  const width = Math.max(1, image.width >> 1), height = Math.max(1, image.height >> 1);
  const data = new Uint8Array(width * height);
  const src = image.data, w = image.width;
  const at = (x: number, y: number): number => src[Math.min(y, image.height - 1) * w + Math.min(x, w - 1)]!;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      data[y * width + x] = (at(2 * x, 2 * y) + at(2 * x + 1, 2 * y) + at(2 * x, 2 * y + 1) + at(2 * x + 1, 2 * y + 1) + 2) >> 2;
    }
  }
  return { width, height, data };
}

/**
 * Whether the text lines run down the page rather than across it. Lines of text make the ink
 * per row alternate between full (a line) and empty (the gap); across the columns ink is spread
 * evenly. Comparing how much the row and column ink totals vary tells a sideways page apart.
 */
export function looksSideways(image: GrayImage): boolean {
  const rows = new Float64Array(image.height), cols = new Float64Array(image.width);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (image.data[y * image.width + x]! < 128) { rows[y]!++; cols[x]!++; }
    }
  }
  return variation(cols) > variation(rows);
}

/** Coefficient of variation over the inked span, so page margins do not count. */
function variation(values: Float64Array): number {
  let first = values.findIndex((v) => v > 0), last = values.length - 1;
  if (first < 0) return 0;
  while (values[last] === 0) last--;
  const span = values.subarray(first, last + 1);
  const mean = span.reduce((a, b) => a + b, 0) / span.length;
  const variance = span.reduce((a, b) => a + (b - mean) ** 2, 0) / span.length;
  return mean > 0 ? Math.sqrt(variance) / mean : 0;
}
