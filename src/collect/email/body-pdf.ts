import { PDFDocument, StandardFonts, type PDFFont } from 'pdf-lib';

/**
 * A message without documents as a PDF of its body, for channels that ask for it (some
 * suppliers write the invoice in the mail itself). Plain text only: an HTML body is taken as
 * the text mailparser makes of it, so no remote content, script or style is rendered.
 *
 * The bytes depend only on the message: no creation date, no random id. Exactly once rests on
 * that, since the document's key is the message plus the SHA-256 of these bytes, and a pass
 * after a crash renders the same message again.
 */

const PAGE = { width: 595.28, height: 841.89 }; // A4 in points
const MARGIN = 56;
const SIZE = 10;
const LEADING = 13;
/** A body longer than this is cut: a mail is not a book, and a hostile one must not make a huge PDF. */
export const MAX_BODY_CHARS = 200_000;
const MAX_PAGES = 60;

export interface BodyMessage { from: string | null; subject: string | null; date: Date | null; text: string }

/** The text as the standard font can draw it (WinAnsi): accents are kept, other letters lose theirs or become "?". */
function drawable(font: PDFFont, text: string, cache: Map<string, string>): string {
  let out = '';
  for (const ch of text) {
    let got = cache.get(ch);
    if (got === undefined) {
      got = '?';
      for (const candidate of [ch, ch.normalize('NFKD').replace(/\p{M}/gu, '')]) {
        try {
          if (candidate) { font.encodeText(candidate); got = candidate; break; }
        } catch { /* not in WinAnsi: try the next form */ }
      }
      cache.set(ch, got);
    }
    out += got;
  }
  return out;
}

/** Breaks a paragraph into lines that fit `width` at the body size, breaking long words too; linear in its length. */
function wrap(font: PDFFont, paragraph: string, width: number, widths: Map<string, number>): string[] {
  const w = (ch: string) => { let x = widths.get(ch); if (x === undefined) { x = font.widthOfTextAtSize(ch, SIZE); widths.set(ch, x); } return x; };
  const lines: string[] = [];
  let line = '', lineWidth = 0;
  for (const word of paragraph.split(/(\s+)/)) {
    if (!word) continue;
    let wordWidth = 0;
    for (const ch of word) wordWidth += w(ch);
    if (lineWidth + wordWidth <= width) { line += word; lineWidth += wordWidth; continue; }
    if (line.trim()) lines.push(line.trimEnd());
    line = ''; lineWidth = 0;
    if (!word.trim()) continue; // the space where the line breaks
    for (const ch of word) {
      if (lineWidth + w(ch) > width && line) { lines.push(line); line = ''; lineWidth = 0; }
      line += ch; lineWidth += w(ch);
    }
  }
  if (line.trim() || lines.length === 0) lines.push(line.trimEnd());
  return lines;
}

export async function bodyPdf(m: BodyMessage): Promise<Buffer> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  if (m.subject) doc.setTitle(drawable(font, m.subject.slice(0, 300), new Map()));
  const cache = new Map<string, string>();
  const width = PAGE.width - 2 * MARGIN;
  const header = [
    ['From', m.from ?? ''], ['Subject', m.subject ?? ''], ['Date', m.date ? m.date.toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : ''],
  ].filter(([, v]) => v);
  let text = m.text.replace(/\r\n?/g, '\n');
  let cut = text.length > MAX_BODY_CHARS;
  if (cut) text = text.slice(0, MAX_BODY_CHARS);
  const perPage = Math.floor((PAGE.height - 2 * MARGIN) / LEADING);
  const room = perPage * MAX_PAGES - 2; // the last two lines say the body was cut, when it is
  const lines: Array<{ text: string; bold: boolean }> = [];
  const widths = new Map<string, number>(), boldWidths = new Map<string, number>();
  for (const [k, v] of header) for (const l of wrap(bold, drawable(bold, `${k}: ${v!.replace(/\s+/g, ' ')}`, cache), width, boldWidths)) lines.push({ text: l, bold: true });
  lines.push({ text: '', bold: false });
  for (const paragraph of text.split('\n')) {
    for (const l of wrap(font, drawable(font, paragraph.replace(/\t/g, '    '), cache), width, widths)) lines.push({ text: l, bold: false });
    if (lines.length > room) { cut = true; lines.length = room; break; }
  }
  if (cut) lines.push({ text: '', bold: false }, { text: `[The message is longer than this PDF holds (${MAX_BODY_CHARS} characters, ${MAX_PAGES} pages); the rest is left out.]`, bold: true });

  for (let i = 0; i < lines.length; i += perPage) {
    const page = doc.addPage([PAGE.width, PAGE.height]);
    lines.slice(i, i + perPage).forEach((l, k) => {
      if (l.text) page.drawText(l.text, { x: MARGIN, y: PAGE.height - MARGIN - (k + 1) * LEADING, size: SIZE, font: l.bold ? bold : font });
    });
  }
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/** The file name of a body PDF: the subject, cleaned by the intake's own rules later, or "message". */
export const bodyPdfName = (subject: string | null) => `${(subject ?? '').replace(/[\\/:*?"<>|\p{Cc}]+/gu, ' ').replace(/\s+/g, ' ').trim().slice(0, 100) || 'message'}.pdf`;
