import { refusedFile, SNIFF_BYTES } from '../../../src/domain/file-types.js';

/** A dropped file the app will not send, and why, in the words of the server's reasons. */
export interface RefusedFile { name: string; reason: 'file_empty' | 'file_type_refused' }

/**
 * Splits a drop into the files that are documents (by their first bytes, as the server checks
 * them) and the ones refused with a reason: one bad file does not stop the others.
 */
export async function checkFiles(files: File[]): Promise<{ kept: File[]; refused: RefusedFile[] }> {
  const kept: File[] = [];
  const refused: RefusedFile[] = [];
  for (const file of files) {
    const head = new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer());
    const why = refusedFile(head, file.name);
    if (why) refused.push({ name: file.name, reason: why.reason }); else kept.push(file);
  }
  return { kept, refused };
}
