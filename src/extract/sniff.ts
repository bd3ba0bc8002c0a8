/**
 * What a file is, from its first bytes. Names and MIME types lie (a ".pdf" that is an HTML
 * error page, an XML invoice sent as application/octet-stream), so content decides; the
 * name only helps to word a failure.
 */

export type Sniffed =
  | { kind: 'pdf' }
  | { kind: 'xml' }
  | { kind: 'html' }
  | { kind: 'image'; format: string }
  | { kind: 'archive'; format: string }
  | { kind: 'unknown' };

const startsWith = (bytes: Buffer, signature: number[], at = 0): boolean =>
  signature.every((b, i) => bytes[at + i] === b);

export function sniff(bytes: Buffer): Sniffed {
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return { kind: 'pdf' };
  if (looksLikeXml(bytes)) {
    // an HTML page (a download that returned a login or error page) is not hostile XML
    const head = bytes.toString('latin1', 0, 1024);
    return /^(?:\xEF\xBB\xBF)?\s*(?:<!--[\s\S]*?-->\s*)*<(?:!doctype\s+html|html)\b/i.test(head) ? { kind: 'html' } : { kind: 'xml' };
  }
  // the PDF header may follow some junk; readers accept it within the first kilobyte
  if (bytes.subarray(0, 1024).includes('%PDF-', 0, 'latin1')) return { kind: 'pdf' };
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { kind: 'image', format: 'JPEG' };
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { kind: 'image', format: 'PNG' };
  if (startsWith(bytes, [0x47, 0x49, 0x46, 0x38])) return { kind: 'image', format: 'GIF' };
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return { kind: 'image', format: 'TIFF' };
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)) return { kind: 'image', format: 'WebP' };
  if (startsWith(bytes, [0x66, 0x74, 0x79, 0x70], 4)) {
    const brand = bytes.toString('latin1', 8, 12);
    if (/^(heic|heix|hevc|mif1|msf1)$/.test(brand)) return { kind: 'image', format: 'HEIC' };
    if (brand === 'avif') return { kind: 'image', format: 'AVIF' };
  }
  if (startsWith(bytes, [0x42, 0x4d]) && bytes.length > 26 && bytes.readUInt32LE(2) === bytes.length) return { kind: 'image', format: 'BMP' };
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return { kind: 'archive', format: 'ZIP' };
  return { kind: 'unknown' };
}

/** A byte-order mark or whitespace, then "<" (UTF-8 or UTF-16). */
function looksLikeXml(bytes: Buffer): boolean {
  if (startsWith(bytes, [0xff, 0xfe, 0x3c, 0x00]) || startsWith(bytes, [0xfe, 0xff, 0x00, 0x3c])) return true;
  if (startsWith(bytes, [0x3c, 0x00]) || startsWith(bytes, [0x00, 0x3c])) return true;
  let i = startsWith(bytes, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  while (i < bytes.length && i < 4096 && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  return bytes[i] === 0x3c && (bytes[i + 1] === 0x3f || bytes[i + 1] === 0x21 || isNameStart(bytes[i + 1]));
}

const isNameStart = (c: number | undefined): boolean =>
  c !== undefined && ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c >= 0x80);
