import { Readable } from 'node:stream';
import { convert } from 'html-to-text';
import { MailParser, type AddressObject, type AttachmentStream, type MessageText } from 'mailparser';

/**
 * A message's headers and parts, read by mailparser as a stream: no part is held in memory past
 * the attachment limit (a larger one is counted and dropped), and the parser's own bounds on
 * header size and part count turn hostile structure into an outcome instead of a hang.
 */
export interface MailPart {
  filename: string | null;
  contentType: string;
  disposition: string | null;
  /** The Content-ID without brackets, to match `cid:` references of the HTML body. */
  cid: string | null;
  /** The bytes, or null when the part was over the limit. */
  bytes: Buffer | null;
  size: number;
}

export interface ParsedMail {
  messageId: string | null;
  from: string | null;
  subject: string | null;
  date: Date | null;
  html: string | null;
  text: string | null;
  parts: MailPart[];
}

/** A message that cannot be taken as mail: its outcome, and the reason told in the run. */
export class UnreadableMessage extends Error {
  constructor(readonly outcome: 'malformed' | 'too_large', message: string) {
    super(message);
  }
}

/** The largest header block of one part: real ones are a few kilobytes, a hostile one is made to exhaust the parser. */
export const MAX_HEADER_BYTES = 256 * 1024;
/** The most MIME parts of one message (nested messages are parsed on their own, with their own count). */
export const MAX_PARTS = 500;

function firstAddress(a: AddressObject | AddressObject[] | undefined): string | null {
  const list = Array.isArray(a) ? a : a ? [a] : [];
  for (const o of list) for (const v of o.value) if (v.address) return v.address.toLowerCase();
  return null;
}

/** Reads a whole message stream into memory, refusing one longer than `max` bytes. */
export async function readRaw(raw: Buffer | Readable, max: number): Promise<Buffer> {
  if (Buffer.isBuffer(raw)) {
    if (raw.length > max) throw new UnreadableMessage('too_large', `The message is ${raw.length} bytes, over the limit of ${max}.`);
    return raw;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of raw) {
    size += (c as Buffer).length;
    if (size > max) {
      raw.destroy();
      throw new UnreadableMessage('too_large', `The message is over the limit of ${max} bytes.`);
    }
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

/** `textFromHtml`: an HTML-only message gets its text made from the HTML (for a body PDF); off, that work is skipped. */
/** The text of an HTML body as a reader sees it: no markup, scripts, styles or images; links keep their text only. */
function htmlText(html: string): string {
  if (html.length > MAX_HTML_TO_TEXT) return '';
  return convert(html, {
    wordwrap: false,
    selectors: [{ selector: 'img', format: 'skip' }, { selector: 'a', options: { ignoreHref: true } }, { selector: 'script', format: 'skip' }, { selector: 'style', format: 'skip' }],
    limits: { maxDepth: 100 },
  });
}

/** HTML longer than this is not made into text: no invoice needs it, and converting it would cost the intake. */
const MAX_HTML_TO_TEXT = 2 * 1024 * 1024;

export async function parseMail(raw: Buffer, maxPartBytes: number, o: { textFromHtml?: boolean } = {}): Promise<ParsedMail> {
  const parser = new MailParser({
    // message/rfc822 parts stay attachments: the intake opens them itself, to a bounded depth.
    ignoreEmbedded: true,
    maxHeadSize: MAX_HEADER_BYTES,
    maxChildNodes: MAX_PARTS,
    skipHtmlToText: !o.textFromHtml, skipTextToHtml: true, skipImageLinks: true, skipTextLinks: true,
    checksumAlgo: false,
  });
  const parts: MailPart[] = [];
  let html: string | null = null;
  let text: string | null = null;
  let headerSeen = false;
  parser.on('headers', (h: Map<string, unknown>) => { headerSeen = h.size > 0; });
  parser.on('data', (d: AttachmentStream | MessageText) => {
    if (d.type === 'text') {
      html = typeof d.html === 'string' ? d.html : null;
      text = d.text ?? null;
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    d.content.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= maxPartBytes) chunks.push(c);
      else chunks.length = 0;
    });
    d.content.on('end', () => {
      parts.push({
        filename: d.filename ?? null, contentType: d.contentType, disposition: d.contentDisposition ?? null, cid: d.cid ?? null,
        bytes: size <= maxPartBytes ? Buffer.concat(chunks) : null, size,
      });
      d.release?.();
    });
  });
  await new Promise<void>((resolve, reject) => {
    parser.on('end', resolve);
    parser.on('error', (e: Error) => reject(new UnreadableMessage('malformed', `The message could not be read as e-mail: ${e.message}`)));
    Readable.from([raw]).pipe(parser);
  });
  const headers = parser.headers || new Map<string, unknown>();
  const messageId = (headers.get('message-id') as string | undefined)?.trim().replace(/^<|>$/g, '') || null;
  const from = firstAddress(headers.get('from') as AddressObject | undefined);
  if (!headerSeen || (!messageId && !from && !headers.has('content-type') && !headers.has('date'))) {
    throw new UnreadableMessage('malformed', 'This is not an e-mail message: it has no header naming a sender, a date, an id or a content type.');
  }
  const date = headers.get('date');
  // mailparser makes text of the HTML only for a message that is HTML alone, not for HTML beside attachments.
  if (o.textFromHtml && !(text as string | null)?.trim() && html) text = htmlText(html);
  return {
    messageId, from, subject: (headers.get('subject') as string | undefined) ?? null,
    date: date instanceof Date && !Number.isNaN(date.getTime()) ? date : null, html, text, parts,
  };
}
