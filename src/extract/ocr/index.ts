import { OcrService, type OcrServiceOptions } from './service.js';
import type { OcrOptions, OcrResult } from './types.js';

/**
 * OCR of scans and photos: `ocrDocument(bytes, 'pdf' | 'image', { languages, limits, signal })`
 * gives the text of each page (PageText) or a typed failure, never a throw. The process-wide
 * service is made on first use; `configureOcr` (before that) picks the engine and pool size,
 * and `closeOcr` ends its workers at shutdown. Composition roots that want their own instance
 * use `new OcrService(options)`.
 */

let shared: OcrService | null = null;
let sharedOptions: OcrServiceOptions = {};

export function configureOcr(options: OcrServiceOptions): void {
  sharedOptions = { ...options };
}

export function ocrDocument(bytes: Buffer, kind: 'pdf' | 'image', options: OcrOptions = {}): Promise<OcrResult> {
  shared ??= new OcrService(sharedOptions);
  return shared.ocrDocument(bytes, kind, options);
}

export async function closeOcr(): Promise<void> {
  const service = shared;
  shared = null;
  await service?.close();
}

export { OcrService, defaultPoolSize, type OcrServiceOptions } from './service.js';
export * from './types.js';
