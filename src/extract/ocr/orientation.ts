import { halveGray, looksSideways, rotateGray, toPgm, type GrayImage, type QuarterTurn } from './gray.js';
import type { Recognized } from './engines/engine.js';

/**
 * Pages scanned sideways or upside down. Tesseract reads upright text with high confidence and
 * a turned page as low-confidence noise, so the page is read as it is first, and only a poor
 * reading leads to trying turns. Which turns is cheap to know: the ink profile tells whether
 * the lines run across or down the page, leaving 180 degrees, or 90 against 270, which a trial
 * reading at half the resolution decides (noise is slow to recognise; a quarter of the pixels
 * keeps the wrong guess cheap). The turned page is then read in full and kept only when it
 * beats the upright reading. (Tesseract's own orientation detector needs its legacy engine and
 * model, which the npm language data does not carry.)
 */

/** At or above this mean word confidence a reading is taken as upright. */
const CONFIDENT = 0.7;
/** A turn must beat the upright reading by this much, so a poor but upright scan is not turned. */
const MARGIN = 0.1;
/** Below this many pixels a trial at half resolution would be too small to read. */
const TRIAL_MIN_PIXELS = 3_000_000;

export interface UprightReading extends Recognized {
  turn: QuarterTurn;
}

type Recognize = (pgm: Buffer) => Promise<Recognized>;

export async function readUpright(page: GrayImage, recognize: Recognize): Promise<UprightReading> {
  const upright: UprightReading = { ...(await recognize(toPgm(page))), turn: 0 };
  if (upright.words === 0 || upright.confidence >= CONFIDENT) return upright;
  const turn = looksSideways(page) ? await likelierSideways(page, recognize) : 180;
  const turned: UprightReading = { ...(await recognize(toPgm(rotateGray(page, turn)))), turn };
  return turned.confidence > upright.confidence + MARGIN ? turned : upright;
}

async function likelierSideways(page: GrayImage, recognize: Recognize): Promise<QuarterTurn> {
  const trial = page.width * page.height >= TRIAL_MIN_PIXELS ? halveGray(page) : page;
  const clockwise = await recognize(toPgm(rotateGray(trial, 90)));
  if (clockwise.confidence >= CONFIDENT) return 90;
  const counter = await recognize(toPgm(rotateGray(trial, 270)));
  return counter.confidence > clockwise.confidence ? 270 : 90;
}
