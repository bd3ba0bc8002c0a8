// A scanner in software: a PDF page as it comes back from a flatbed scan (200 dpi, a little
// crooked, with sensor noise and dust), so readers can be measured on scans of documents whose
// true content is known. Used by the OCR benchmark and by the extraction accuracy benchmark.
import { createCanvas } from '@napi-rs/canvas';
import { seededRandom } from '../../src/sandbox/kit/random.js';
import { openPdfForOcr } from '../../src/extract/ocr/pdf-pages.js';
import { resolveOcrLimits } from '../../src/extract/ocr/types.js';

export const SCAN_DPI = 200;

/**
 * Page `pageNumber` (1 unless given) of `pdfBytes` as a scanned PNG (or JPEG, as many scanners save): rendered at 200 dpi
 * in grayscale, turned by 0.5 to 2 degrees either way, with gaussian noise, a slightly gray
 * paper and a few dark specks. The same seed gives the same scan.
 */
export async function makeScan(pdfBytes: Uint8Array, seed: number, format: 'png' | 'jpeg' = 'png', pageNumber = 1): Promise<Buffer> {
  const random = seededRandom(seed);
  const pdf = await openPdfForOcr(Buffer.from(pdfBytes), resolveOcrLimits({ dpi: SCAN_DPI }));
  const page = await pdf.render(pageNumber).finally(() => pdf.close());
  const { width, height } = page;

  const flat = createCanvas(width, height);
  const flatCtx = flat.getContext('2d');
  const rgba = flatCtx.createImageData(width, height);
  for (let i = 0; i < page.data.length; i++) rgba.data.set([page.data[i]!, page.data[i]!, page.data[i]!, 255], i * 4);
  flatCtx.putImageData(rgba, 0, 0);

  const out = createCanvas(width, height);
  const ctx = out.getContext('2d');
  const paper = 235 + Math.floor(random() * 15);
  ctx.fillStyle = `rgb(${paper},${paper},${paper})`;
  ctx.fillRect(0, 0, width, height);
  const degrees = (0.5 + random() * 1.5) * (random() < 0.5 ? -1 : 1);
  ctx.translate(width / 2, height / 2);
  ctx.rotate((degrees * Math.PI) / 180);
  ctx.globalCompositeOperation = 'multiply'; // white paper stays the scanner's gray, ink stays dark
  ctx.drawImage(flat, -width / 2, -height / 2);
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.globalCompositeOperation = 'source-over';

  addNoise(ctx.getImageData(0, 0, width, height), random, (img) => ctx.putImageData(img, 0, 0));
  ctx.fillStyle = '#222';
  for (let i = 0; i < 40; i++) ctx.fillRect(random() * width, random() * height, 1 + random() * 3, 1 + random() * 3);
  return format === 'jpeg' ? out.toBuffer('image/jpeg', 85) : out.toBuffer('image/png');
}

function addNoise(img: { data: Uint8ClampedArray }, random: () => number, put: (img: never) => void): void {
  const sigma = 8 + random() * 8;
  for (let p = 0; p < img.data.length; p += 4) {
    // a sum of three uniforms is close enough to gaussian for sensor noise, and cheap
    const noise = (random() + random() + random() - 1.5) * sigma * 2;
    const v = Math.max(0, Math.min(255, img.data[p]! + noise));
    img.data[p] = img.data[p + 1] = img.data[p + 2] = v;
  }
  put(img as never);
}
