import type { GrayImage } from './gray.js';

/**
 * Straightening a page that went through the scanner a little crooked. Tesseract copes with a
 * small skew inside a line, but the words' positions then slope across the page, and a label
 * at the left and its value at the right no longer sit on one row. The skew is measured the
 * classic way: project the ink onto lines at a trial angle; at the page's true angle the text
 * lines fall into few, full bins and the gaps between them into empty ones, so the sum of the
 * squared bin counts peaks. Pages fed sideways have their lines running down the page: the
 * same is done for columns, and whichever gives the sharper profile gives the angle.
 */

/** Largest skew looked for, in degrees: a scanner or a careful photo, not a page thrown on the glass. */
const MAX_DEGREES = 8;
/** Below this the page is left as it is: resampling blurs more than such a skew harms. */
const MIN_DEGREES = 0.15;
/** The measurement works on a copy about this wide: enough for text lines, cheap to project. */
const WORK_WIDTH = 800;
/** Ink points used at most; more only cost time. */
const MAX_POINTS = 150_000;

/** Degrees the page was turned clockwise (negative: anticlockwise); 0 for a blank page. */
export function skewAngle(image: GrayImage): number {
  const points = inkPoints(image);
  if (points.xs.length < 50) return 0;
  const search = (from: number, to: number, step: number): { degrees: number; score: number } => {
    let best = { degrees: 0, score: -1 };
    for (let d = from; d <= to + 1e-9; d += step) {
      const score = Math.max(profileScore(points, d, 'rows'), profileScore(points, d, 'columns'));
      if (score > best.score) best = { degrees: d, score };
    }
    return best;
  };
  const coarse = search(-MAX_DEGREES, MAX_DEGREES, 0.25);
  return Math.round(search(coarse.degrees - 0.25, coarse.degrees + 0.25, 0.025).degrees * 100) / 100;
}

/** The page turned back by its skew, or the same page when it is straight (or blank). */
export function deskew(image: GrayImage): GrayImage {
  const degrees = skewAngle(image);
  return Math.abs(degrees) < MIN_DEGREES ? image : rotateBy(image, degrees);
}

/** Ink points, and room for a profile: a projection falls within (-(w + h), w + h). */
interface Points { xs: Float32Array; ys: Float32Array; bins: Float64Array }

/** Dark pixels of a reduced copy (each cell its darkest pixel, so thin strokes survive). */
function inkPoints(image: GrayImage): Points {
  const f = Math.max(1, Math.floor(image.width / WORK_WIDTH));
  const w = Math.floor(image.width / f), h = Math.floor(image.height / f);
  const small = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let min = 255;
      for (let dy = 0; dy < f; dy++) {
        const row = (y * f + dy) * image.width + x * f;
        for (let dx = 0; dx < f; dx++) min = Math.min(min, image.data[row + dx]!);
      }
      small[y * w + x] = min;
    }
  }
  const threshold = otsu(small);
  let count = 0;
  for (const v of small) if (v < threshold) count++;
  const every = Math.max(1, Math.ceil(count / MAX_POINTS));
  const xs: number[] = [], ys: number[] = [];
  let seen = 0;
  for (let i = 0; i < small.length; i++) {
    if (small[i]! >= threshold || seen++ % every !== 0) continue;
    xs.push(i % w);
    ys.push(Math.floor(i / w));
  }
  return { xs: Float32Array.from(xs), ys: Float32Array.from(ys), bins: new Float64Array(2 * (w + h) + 2) };
}

/** Otsu's threshold: the gray level that best splits ink from paper. */
function otsu(pixels: Uint8Array): number {
  const histogram = new Float64Array(256);
  for (const v of pixels) histogram[v]!++;
  const total = pixels.length;
  let sum = 0;
  for (let i = 0; i < 256; i++) sum += i * histogram[i]!;
  let below = 0, belowSum = 0, best = 0, threshold = 128;
  for (let t = 0; t < 256; t++) {
    below += histogram[t]!;
    if (below === 0 || below === total) continue;
    belowSum += t * histogram[t]!;
    const meanBelow = belowSum / below, meanAbove = (sum - belowSum) / (total - below);
    const between = below * (total - below) * (meanBelow - meanAbove) ** 2;
    if (between > best) { best = between; threshold = t + 1; }
  }
  return threshold;
}

function profileScore(points: Points, degrees: number, along: 'rows' | 'columns'): number {
  const a = (degrees * Math.PI) / 180, cos = Math.cos(a), sin = Math.sin(a);
  const bins = points.bins.fill(0);
  const offset = bins.length >> 1;
  for (let i = 0; i < points.xs.length; i++) {
    const x = points.xs[i]!, y = points.ys[i]!;
    bins[offset + Math.round(along === 'rows' ? y * cos - x * sin : x * cos + y * sin)]!++;
  }
  let score = 0;
  for (const n of bins) score += n * n;
  return score;
}

/** Turned anticlockwise by `degrees` about the centre, bilinear, the corners filled with paper. */
function rotateBy(image: GrayImage, degrees: number): GrayImage {
  const { width: w, height: h, data: src } = image;
  const a = (degrees * Math.PI) / 180, cos = Math.cos(a), sin = Math.sin(a);
  const cx = (w - 1) / 2, cy = (h - 1) / 2;
  const paper = paperLevel(src);
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const dy = y - cy;
    for (let x = 0; x < w; x++) {
      const dx = x - cx;
      // where this pixel was before the page was straightened: the skew turned it clockwise
      const sx = cx + dx * cos - dy * sin, sy = cy + dx * sin + dy * cos;
      const x0 = Math.floor(sx), y0 = Math.floor(sy);
      if (x0 < 0 || y0 < 0 || x0 >= w - 1 || y0 >= h - 1) { out[y * w + x] = paper; continue; }
      const fx = sx - x0, fy = sy - y0, i = y0 * w + x0;
      const top = src[i]! + (src[i + 1]! - src[i]!) * fx;
      const bottom = src[i + w]! + (src[i + w + 1]! - src[i + w]!) * fx;
      out[y * w + x] = Math.round(top + (bottom - top) * fy);
    }
  }
  return { width: w, height: h, data: out };
}

/** The paper's gray: the 90th percentile of the page. */
function paperLevel(data: Uint8Array): number {
  const histogram = new Uint32Array(256);
  for (let i = 0; i < data.length; i += 7) histogram[data[i]!]!++;
  const target = 0.9 * histogram.reduce((a, b) => a + b, 0);
  let seen = 0;
  for (let v = 0; v < 256; v++) { seen += histogram[v]!; if (seen >= target) return v; }
  return 255;
}
