import type { FailureReason } from '../types.js';
import type { PageText } from '../text/page-text.js';

/** The two ways we run Tesseract: its WebAssembly build in worker threads, or Debian's command line tool. */
export type OcrEngineName = 'tesseract.js' | 'native';
/** 'auto' takes tesseract.js when its language packages are installed, else the native command. */
export type OcrEngineChoice = OcrEngineName | 'auto';

/** Languages we ship data for (npm @tesseract.js-data packages, or Debian tesseract-ocr-*). */
export const OCR_LANGUAGES = ['nld', 'fra', 'deu', 'eng'] as const;
export type OcrLanguage = (typeof OCR_LANGUAGES)[number];

/** Bounds on the work one document's OCR may cause; each one ends in a typed failure or a partial result. */
export interface OcrLimits {
  /** Size of the input file. */
  maxInputBytes: number;
  /** A PDF with more pages than this is refused outright, as by the other readers. */
  maxPages: number;
  /** At most this many pages are OCR'd; the rest is left out and the result says so. */
  maxOcrPages: number;
  /** Pixels of one page or image (declared width * height, checked before decoding). */
  maxPixels: number;
  /** Resolution at which PDF pages are rendered. */
  dpi: number;
  /** Wall-clock budget for the whole document. */
  timeoutMs: number;
  /** Budget for one page's recognition; a worker that takes longer is taken to be hung and replaced. */
  pageTimeoutMs: number;
  /** Budget for preparing one page (opening the file, drawing or decoding the page, straightening it); the page thread is replaced likewise. */
  prepareTimeoutMs: number;
}

const MB = 1024 * 1024;
export const DEFAULT_OCR_LIMITS: Readonly<OcrLimits> = Object.freeze({
  maxInputBytes: 50 * MB,
  maxPages: 300,
  maxOcrPages: 20,
  // an A4 page at 300 dpi is 8.7 million pixels; 40 million leaves room for A3 and phone photos
  maxPixels: 40_000_000,
  dpi: 250,
  timeoutMs: 180_000,
  pageTimeoutMs: 60_000,
  prepareTimeoutMs: 60_000,
});

export interface OcrOptions {
  /** Languages the document may be written in; defaults to all four we ship. */
  languages?: readonly OcrLanguage[];
  limits?: Partial<OcrLimits>;
  signal?: AbortSignal;
}

export interface OcrSuccess {
  ok: true;
  pages: PageText[];
  engine: OcrEngineName;
  /** Pages a limit left unread (page count, time): the text covers only a part of the document. */
  partial: { pagesRead: number; pagesTotal: number; message: string } | null;
}

export type OcrFailureReason = FailureReason | 'cancelled' | 'engine_unavailable';
export interface OcrFailure {
  ok: false;
  reason: OcrFailureReason;
  message: string;
}

export type OcrResult = OcrSuccess | OcrFailure;

export function resolveOcrLimits(overrides: Partial<OcrLimits> = {}): OcrLimits {
  const limits: OcrLimits = { ...DEFAULT_OCR_LIMITS };
  for (const key of Object.keys(DEFAULT_OCR_LIMITS) as Array<keyof OcrLimits>) {
    const value = overrides[key];
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) limits[key] = value;
  }
  return limits;
}

/** Thrown inside the OCR code and turned into an OcrFailure at the entry point. */
export class OcrError extends Error {
  constructor(readonly reason: OcrFailureReason, message: string) {
    super(message);
    this.name = 'OcrError';
  }
}

export const ocrFail = (reason: OcrFailureReason, message: string): never => {
  throw new OcrError(reason, message);
};
