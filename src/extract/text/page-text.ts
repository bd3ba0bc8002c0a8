/**
 * The text of a document, page by page, however it was obtained: a PDF's text layer or OCR.
 * The field heuristics read this shape only, so they never care which reader produced it.
 */
export interface PageText {
  /** 1-based page number. */
  page: number;
  /** The page's text in reading order, lines separated by "\n". */
  text: string;
  /** OCR's mean word confidence for the page, 0..1; absent for a text layer (exact by nature). */
  confidence?: number;
}
