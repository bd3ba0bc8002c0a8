import type { OcrEngineName, OcrLanguage } from '../types.js';

/** What one recognition gives back, whichever engine ran it. */
export interface Recognized {
  /** Lines separated by "\n", paragraphs by an empty line. */
  text: string;
  /** Mean word confidence, 0..1 (0 when no word was found). */
  confidence: number;
  words: number;
}

/**
 * One unit of OCR capacity in the pool: a tesseract.js worker thread with its languages
 * loaded, or a slot that runs one native tesseract process at a time.
 */
export interface OcrWorker {
  /** The language set it was made for; the pool only hands it jobs for that set. */
  readonly key: string;
  /** `image` is a PGM file. Rejects when the engine fails or the worker died. */
  recognize(image: Buffer): Promise<Recognized>;
  /** Ends it at once, even in the middle of a recognition. */
  terminate(): Promise<void>;
}

export interface OcrEngine {
  readonly name: OcrEngineName;
  createWorker(languages: readonly OcrLanguage[]): Promise<OcrWorker>;
  /** Releases what the engine holds beyond its workers. */
  close(): Promise<void>;
}

export const languageKey = (languages: readonly OcrLanguage[]): string => languages.join('+');

/** Tesseract's output tidied for the heuristics: no trailing spaces, at most one empty line in a row. */
export function tidyText(text: string): string {
  return text.replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n').trim();
}
