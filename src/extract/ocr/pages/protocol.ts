import type { OcrFailureReason, OcrLimits } from '../types.js';

/**
 * Messages between the service and a page thread. A document's bytes travel once, in a
 * SharedArrayBuffer that every thread can read without a copy; a thread opens the document
 * the first time it is asked for one of its pages and keeps it open for the next.
 */

export interface DocumentRef {
  id: number;
  kind: 'pdf' | 'image';
  bytes: SharedArrayBuffer;
}

export type PageRequest =
  /** Opens the document (checking its page count against the limits) and says how many pages it has. */
  | { op: 'open'; job: number; doc: DocumentRef; limits: OcrLimits }
  /** Page `page` (1-based) as a straightened grayscale image. */
  | { op: 'render'; job: number; doc: DocumentRef; page: number; limits: OcrLimits }
  /** The document is done with: its memory can go. No reply. */
  | { op: 'forget'; doc: number };

export type PageReply =
  | { job: number; ok: true; total: number }
  | { job: number; ok: true; width: number; height: number; data: Uint8Array }
  | { job: number; ok: false; reason: OcrFailureReason; message: string };
