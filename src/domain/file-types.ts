/**
 * What a document's file is, by its first bytes, not by its name or the type the sender
 * claimed: Dossier keeps PDFs, XML e-invoices and scans or photos (JPEG, PNG, TIFF, HEIC); an
 * empty file or a program named invoice.pdf is refused with the reason. Shared by the API and
 * the web app, so both say the same.
 */
export type DocumentFileType = 'pdf' | 'xml' | 'jpeg' | 'png' | 'tiff' | 'heic';

/** How many first bytes the check needs (a PDF header may follow a little junk, as readers allow). */
export const SNIFF_BYTES = 1024;

const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1', 'heif']);

const startsWith = (head: Uint8Array, bytes: number[], at = 0) => bytes.every((b, i) => head[at + i] === b);
const ascii = (head: Uint8Array, from: number, to: number) => String.fromCharCode(...head.subarray(from, to));

function looksLikeXml(head: Uint8Array): boolean {
  let text: string;
  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff])) {
    // UTF-16: every other byte of an ASCII start is zero.
    const le = head[0] === 0xff;
    text = Array.from({ length: Math.floor((head.length - 2) / 2) }, (_, i) => String.fromCharCode(head[2 + i * 2 + (le ? 0 : 1)]!)).join('');
  } else {
    text = ascii(head, startsWith(head, [0xef, 0xbb, 0xbf]) ? 3 : 0, head.length);
  }
  const start = text.trimStart();
  if (start.startsWith('<?xml')) return true;
  // A bare root element (no declaration), but not a web page.
  return /^<[A-Za-z_][\w.:-]*[\s>/]/.test(start) && !/^<(html|!doctype)/i.test(start);
}

/** The file's type from its first bytes (up to SNIFF_BYTES), or null when Dossier does not keep it. */
export function sniffDocumentType(head: Uint8Array): DocumentFileType | null {
  if (ascii(head, 0, Math.min(head.length, SNIFF_BYTES)).includes('%PDF-')) return 'pdf';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  if (ascii(head, 4, 8) === 'ftyp' && HEIC_BRANDS.has(ascii(head, 8, 12))) return 'heic';
  if (looksLikeXml(head)) return 'xml';
  return null;
}

/** In a few words, what a refused file looks like, for the reason shown to people. */
export function describeRefused(head: Uint8Array): string {
  if (startsWith(head, [0x4d, 0x5a])) return 'a Windows program';
  if (startsWith(head, [0x7f, 0x45, 0x4c, 0x46])) return 'a program';
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return 'a ZIP archive or office file';
  if (/^\s*<(html|!doctype)/i.test(ascii(head, 0, Math.min(head.length, 64)))) return 'a web page';
  return 'unknown content';
}

/** Why a file is refused (empty, or not a kind Dossier keeps), as an error's reason and params; null when it is kept. */
export function refusedFile(head: Uint8Array, file: string): { message: string; reason: 'file_empty' | 'file_type_refused'; params: { file: string; found: string } } | null {
  if (head.length === 0) return { message: `"${file}" is empty (0 bytes): nothing to keep.`, reason: 'file_empty', params: { file, found: 'empty' } };
  if (sniffDocumentType(head)) return null;
  const found = describeRefused(head);
  return { message: `"${file}" is not a PDF, an XML file or an image (JPEG, PNG, TIFF, HEIC): it looks like ${found}.`, reason: 'file_type_refused', params: { file, found } };
}
