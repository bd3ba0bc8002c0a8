import type { Limits } from '../types.js';
import type { Reading } from '../read.js';

/**
 * Messages between the serving thread and an extraction thread. The bytes are copied into the
 * thread (the caller keeps its own, for OCR); the reply is the plain-data Reading.
 */

/** Sent once to a new thread: load the readers' code, so a document's time is not spent on it. */
export interface WarmRequest {
  job: number;
  op: 'warm';
}

export interface ReadRequest {
  job: number;
  op: 'read';
  bytes: Uint8Array;
  filename?: string;
  mime?: string;
  limits: Limits;
}

export type ThreadRequest = WarmRequest | ReadRequest;

export interface ReadReply {
  job: number;
  /** null: the answer to a warm request. */
  reading: Reading | null;
  /**
   * The time ran out inside the reading: work the reader raced (a pdfjs page) may still be
   * running in the thread, so the thread must be ended, not given the next document.
   */
  spent: boolean;
}
