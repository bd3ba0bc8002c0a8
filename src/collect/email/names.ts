/**
 * An attachment's name as it is shown and filed. A name decides nothing (content does, see
 * ./documents.ts) but it is shown to people and written to cloud storage, so whatever a sender
 * hid in it goes: folders ("../../x", "C:\\x"), control and direction-changing characters (an
 * encoded word that turns "invoice\u202Efdp.exe" into what looks like "invoiceexe.pdf").
 * The extension is the one of the content, added when the name has another.
 */
const EXTENSIONS: Record<string, string[]> = {
  'application/pdf': ['pdf'], 'application/xml': ['xml'], 'image/jpeg': ['jpg', 'jpeg'], 'image/png': ['png'],
  'image/tiff': ['tif', 'tiff'], 'image/webp': ['webp'], 'image/heic': ['heic', 'heif'], 'image/avif': ['avif'],
};

// C0/C1 controls, bidirectional marks and overrides, zero-width characters, and the byte-order mark.
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

export function safeName(given: string | null, mime: string, fallback = 'attachment'): string {
  let name = (given ?? '').normalize('NFC').replace(HIDDEN, '');
  name = name.split(/[\\/]/).pop() ?? '';
  name = name.replace(/^[.\s]+/, '').replace(/\s+/g, ' ').trim().slice(0, 200);
  if (!name) name = fallback;
  const exts = EXTENSIONS[mime];
  if (!exts) return name;
  const ext = name.includes('.') ? name.split('.').pop()!.toLowerCase() : '';
  return exts.includes(ext) ? name : `${name}.${exts[0]}`;
}
