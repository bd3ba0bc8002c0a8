import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { deskew, skewAngle } from './deskew.js';
import { grayFromRgba, type GrayImage } from './gray.js';
import { DUTCH_INVOICE, invoicePageImage } from './testing/invoices.js';

/** The Dutch test invoice at 100 dpi, put on the glass turned clockwise by `degrees` (and a quarter turn). */
async function crookedPage(degrees: number, turn: 0 | 90 = 0): Promise<GrayImage> {
  const sheet = await loadImage(invoicePageImage(DUTCH_INVOICE, { dpi: 100, turn }));
  const canvas = createCanvas(sheet.width, sheet.height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, sheet.width, sheet.height);
  ctx.translate(sheet.width / 2, sheet.height / 2);
  ctx.rotate((degrees * Math.PI) / 180); // positive: clockwise on the page (y grows downwards)
  ctx.drawImage(sheet, -sheet.width / 2, -sheet.height / 2);
  return grayFromRgba(ctx.getImageData(0, 0, sheet.width, sheet.height).data, sheet.width, sheet.height);
}

const near = (actual: number, expected: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= 0.2, `${what}: measured ${actual} degrees, expected ${expected}`);

describe('deskew', () => {
  it('measures the skew of a page turned either way by a few degrees', async () => {
    for (const degrees of [-3.5, -1.2, 0.7, 2, 5]) near(skewAngle(await crookedPage(degrees)), degrees, `turned ${degrees}`);
  });

  it('measures it on a page fed sideways too', async () => {
    near(skewAngle(await crookedPage(1.5, 90)), 1.5, 'sideways, turned 1.5');
  });

  it('straightens a crooked page and leaves a straight one untouched', async () => {
    const straightened = deskew(await crookedPage(2.5));
    near(skewAngle(straightened), 0, 'after straightening');
    const straight = await crookedPage(0);
    assert.equal(deskew(straight), straight);
  });

  it('leaves a blank page alone', () => {
    const blank: GrayImage = { width: 300, height: 400, data: new Uint8Array(300 * 400).fill(250) };
    assert.equal(skewAngle(blank), 0);
    assert.equal(deskew(blank), blank);
  });
});
