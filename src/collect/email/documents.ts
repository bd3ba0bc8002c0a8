import yauzl from 'yauzl';
import { isEInvoiceRoot, sniff } from '../../extract/index.js';
import { safeName } from './names.js';
import type { MailPart } from './parse.js';

/**
 * Which parts of a message are documents, decided by their bytes: a PDF (Factur-X included), a
 * UBL or CII invoice (by its XML root), or a picture of one; a ZIP is opened, within limits.
 * What is not a document is said and left: signatures (.p7s), calendar invites, Office files,
 * and the pictures of the mail itself (logos, signature images), told from documents this way:
 * - any picture under SMALL_IMAGE_BYTES (icons, logos, social links, tracking pixels);
 * - a picture the HTML body shows through `cid:` (embedded in the text) under
 *   EMBEDDED_IMAGE_BYTES; a larger one is a photograph pasted into the mail, often of a receipt.
 * A picture sent as an attachment above SMALL_IMAGE_BYTES is a document.
 */
export const SMALL_IMAGE_BYTES = 16 * 1024;
export const EMBEDDED_IMAGE_BYTES = 256 * 1024;
/** Entries a ZIP may have, and how deep archives are opened (a ZIP in a ZIP is not opened). */
export const MAX_ZIP_ENTRIES = 200;

export type PartOutcome = 'not_a_document' | 'inline_image' | 'too_large' | 'unsafe_archive' | 'too_deep' | 'malformed';

export interface FoundDocument { name: string; mime: string; bytes: Buffer; path: string }
export interface SkippedPart { name: string; path: string; outcome: PartOutcome; reason: string }
export interface Found { documents: FoundDocument[]; skipped: SkippedPart[]; messages: Array<{ part: MailPart; path: string }> }

const IMAGE_MIME: Record<string, string> = { JPEG: 'image/jpeg', PNG: 'image/png', TIFF: 'image/tiff', WebP: 'image/webp', HEIC: 'image/heic', AVIF: 'image/avif' };

/** The root element's local name of an XML document, past its declaration, comments and doctype. */
function xmlRoot(bytes: Buffer): string | null {
  let head = bytes.subarray(0, 16 * 1024).toString(bytes[0] === 0xff || bytes[0] === 0xfe ? 'utf16le' : 'utf8');
  head = head.replace(/^\uFEFF/, '').replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>/gi, '');
  const m = /^\s*<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)/.exec(head);
  return m ? m[1]! : null;
}

type Judged = { kind: 'document'; mime: string } | { kind: 'archive' } | { kind: 'skip'; outcome: PartOutcome; reason: string };

function judge(bytes: Buffer, part: { cid: string | null; disposition: string | null }, html: string | null): Judged {
  const s = sniff(bytes);
  if (s.kind === 'pdf') return { kind: 'document', mime: 'application/pdf' };
  if (s.kind === 'xml') {
    const root = xmlRoot(bytes);
    return root && isEInvoiceRoot(root) ? { kind: 'document', mime: 'application/xml' }
      : { kind: 'skip', outcome: 'not_a_document', reason: `XML whose root <${root ?? '?'}> is not a UBL or CII invoice.` };
  }
  if (s.kind === 'image') {
    const mime = IMAGE_MIME[s.format];
    if (!mime) return { kind: 'skip', outcome: 'inline_image', reason: `A ${s.format} picture: not a document format.` };
    if (bytes.length < SMALL_IMAGE_BYTES) return { kind: 'skip', outcome: 'inline_image', reason: `A picture of ${bytes.length} bytes: a logo or icon, not a document.` };
    const shown = !!part.cid && part.disposition !== 'attachment' && !!html?.includes(`cid:${part.cid}`);
    if (shown && bytes.length < EMBEDDED_IMAGE_BYTES) return { kind: 'skip', outcome: 'inline_image', reason: 'A picture shown in the text of the mail (a logo or signature).' };
    return { kind: 'document', mime };
  }
  if (s.kind === 'archive') return { kind: 'archive' };
  return { kind: 'skip', outcome: 'not_a_document', reason: s.kind === 'html' ? 'An HTML page, not a document.' : 'Not a PDF, e-invoice or picture.' };
}

class UnsafeArchive extends Error {}

/** The files of a ZIP, all or none: too many entries, too many bytes, a path that climbs out, or a broken archive refuse it whole. */
async function unzip(bytes: Buffer, maxBytes: number): Promise<Array<{ name: string; bytes: Buffer }>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.fromBuffer(bytes, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false }, (e, z) => (e ? reject(new UnsafeArchive(e.message)) : resolve(z!))));
  if (zip.entryCount > MAX_ZIP_ENTRIES) { zip.close(); throw new UnsafeArchive(`It has ${zip.entryCount} entries, more than ${MAX_ZIP_ENTRIES}.`); }
  const out: Array<{ name: string; bytes: Buffer }> = [];
  let total = 0;
  return new Promise((resolve, reject) => {
    const fail = (e: Error) => { zip.close(); reject(e instanceof UnsafeArchive ? e : new UnsafeArchive(e.message)); };
    zip.on('error', fail);
    zip.on('end', () => resolve(out));
    zip.on('entry', (entry: yauzl.Entry) => {
      const name = entry.fileName;
      if (name.endsWith('/')) return zip.readEntry();
      if (name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.split(/[\\/]/).includes('..')) return fail(new UnsafeArchive(`The entry "${name}" points outside the archive.`));
      if (entry.uncompressedSize > maxBytes || total + entry.uncompressedSize > maxBytes) return fail(new UnsafeArchive(`It unpacks to more than ${maxBytes} bytes.`));
      if ((entry.generalPurposeBitFlag & 1) !== 0) return fail(new UnsafeArchive(`The entry "${name}" is encrypted.`));
      zip.openReadStream(entry, (e, stream) => {
        if (e || !stream) return fail(e ?? new Error('unreadable entry'));
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (c: Buffer) => {
          size += c.length;
          total += c.length;
          if (total > maxBytes) { stream.destroy(); fail(new UnsafeArchive(`It unpacks to more than ${maxBytes} bytes.`)); } else chunks.push(c);
        });
        stream.on('error', fail);
        stream.on('end', () => { out.push({ name, bytes: Buffer.concat(chunks, size) }); zip.readEntry(); });
      });
    });
    zip.readEntry();
  });
}

/** Sorts the parts of one message: documents, what is not, and attached messages (opened by the caller). */
export async function findDocuments(parts: MailPart[], html: string | null, where: string, maxBytes: number): Promise<Found> {
  const found: Found = { documents: [], skipped: [], messages: [] };
  for (const part of parts) {
    const shownName = safeName(part.filename, '');
    const path = `${where}/${shownName}`;
    if (!part.bytes) {
      found.skipped.push({ name: shownName, path, outcome: 'too_large', reason: `The attachment is ${part.size} bytes, over this channel's limit of ${maxBytes}.` });
      continue;
    }
    if (part.contentType === 'message/rfc822' || part.contentType === 'message/global') {
      found.messages.push({ part, path });
      continue;
    }
    const j = judge(part.bytes, part, html);
    if (j.kind === 'skip') found.skipped.push({ name: shownName, path, outcome: j.outcome, reason: j.reason });
    else if (j.kind === 'document') { const name = safeName(part.filename, j.mime); found.documents.push({ name, mime: j.mime, bytes: part.bytes, path: `${where}/${name}` }); }
    else {
      try {
        for (const entry of await unzip(part.bytes, maxBytes)) {
          const inner = judge(entry.bytes, { cid: null, disposition: 'attachment' }, null);
          const entryName = safeName(entry.name, inner.kind === 'document' ? inner.mime : '');
          const entryPath = `${path}/${entryName}`;
          if (inner.kind === 'document') found.documents.push({ name: entryName, mime: inner.mime, bytes: entry.bytes, path: entryPath });
          else if (inner.kind === 'archive') found.skipped.push({ name: entryName, path: entryPath, outcome: 'unsafe_archive', reason: 'An archive inside an archive is not opened.' });
          else found.skipped.push({ name: entryName, path: entryPath, outcome: inner.outcome, reason: inner.reason });
        }
      } catch (e) {
        if (!(e instanceof UnsafeArchive)) throw e;
        found.skipped.push({ name: shownName, path, outcome: 'unsafe_archive', reason: `The ZIP was not opened: ${e.message}` });
      }
    }
  }
  return found;
}
