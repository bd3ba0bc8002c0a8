import type { Limits } from '../types.js';
import type { Reading } from '../read.js';

/**
 * Messages between the serving thread and an extraction thread. The bytes are copied into the
 * thread (the caller keeps its own, for OCR); the reply is the plain-data Reading.
 */

export interface ReadRequest {
  job: number;
  bytes: Uint8Array;
  filename?: string;
  mime?: string;
  limits: Limits;
}

export interface ReadReply {
  job: number;
  reading: Reading;
}
