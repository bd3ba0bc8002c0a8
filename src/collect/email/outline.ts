import type { MessageOutline, OutlinePart } from '../../connectors/connector.js';
import type { MailOptions } from '../../domain/channels.js';
import { senderVerdict, usableMessageId } from './message-intake.js';
import { MAX_PARTS, parseMail, UnreadableMessage, type MailPart, type ParsedMail } from './parse.js';

/**
 * Reading an IMAP message from its outline (header block and BODYSTRUCTURE) and only the parts
 * that may be documents, instead of fetching it whole and parsing its MIME here: the server
 * sends those parts decoded (BINARY) or Dossier undoes their transfer encoding, and the text of
 * the mail, usually the bulk of what is not an attachment, is not fetched at all. Parsing the
 * whole MIME of a message cost more CPU than everything mbsync does to mirror it.
 *
 * The parts fetched are those a MIME parser would give as attachments (the rule is
 * mailparser's, below), and they are judged by the same rules as a message read whole
 * (./documents.ts): by their bytes. Whatever this path cannot decide exactly as the whole path
 * would is fetched whole and read as before, so its outcome is the same:
 * - a header block the parser refuses (huge, not mail), or no usable Message-ID (the message is
 *   then known by the hash of its bytes);
 * - a sender whose message is held for review (it is kept whole);
 * - no attachment at all (the body may become a PDF; such a message is small anyway);
 * - an attached message (message/rfc822: opened by the parser, to a bounded depth), a multipart
 *   without parts, more parts than the parser takes, or an unknown transfer encoding;
 * - a part that may be over the channel's limit (its size as sent is an upper bound on its size
 *   decoded: only under the limit is it surely under);
 * - a picture the HTML may show by cid: whose HTML is not in an ASCII-compatible charset;
 * - a channel that makes a PDF of the body, when no part turned out to be a document.
 */

/** The types a MIME parser gives as the text of the mail when shown inline (mailparser's textTypes). */
const TEXT_TYPES = new Set(['text/plain', 'text/html', 'message/delivery-status']);
const ENCODINGS = new Set([null, '7bit', '8bit', 'binary', 'base64', 'quoted-printable']);

/** mailparser's rule: an unknown disposition is an attachment, none is inline for text and an attachment for the rest. */
function asParsed(p: OutlinePart): { attachment: boolean; disposition: string } {
  const given = p.disposition && p.disposition !== 'attachment' && p.disposition !== 'inline' ? 'attachment' : p.disposition;
  const disposition = given ?? (TEXT_TYPES.has(p.type) ? 'inline' : 'attachment');
  return { attachment: !TEXT_TYPES.has(p.type) || disposition !== 'inline', disposition };
}

export type OutlinePlan =
  | { whole: true; why: string }
  /** `sections`: what to fetch: the attachments and, when a picture may be shown by cid:, the HTML. */
  | { whole: false; head: ParsedMail; attachments: Array<OutlinePart & { shownAs: string }>; html: OutlinePart[]; sections: string[] };

/** What to fetch of a message, or that it is to be fetched whole (`why` says which rule above). */
export async function planOutline(o: MessageOutline, opts: MailOptions): Promise<OutlinePlan> {
  const whole = (why: string): OutlinePlan => ({ whole: true, why });
  let head: ParsedMail;
  try {
    head = await parseMail(o.header, opts.maxAttachmentBytes);
  } catch (e) {
    if (!(e instanceof UnreadableMessage)) throw e;
    return whole('header');
  }
  if (!usableMessageId(head.messageId)) return whole('message-id');
  const verdict = senderVerdict(opts, head.from, undefined);
  if (verdict === 'hold') return whole('held');
  if (verdict === 'refuse') return { whole: false, head, attachments: [], html: [], sections: [] }; // refused: nothing of it is needed
  if (o.nodes > MAX_PARTS) return whole('parts');
  const attachments: Array<OutlinePart & { shownAs: string }> = [];
  for (const p of o.parts) {
    if (p.type.startsWith('multipart/') || (p.type.startsWith('message/') && p.type !== 'message/delivery-status')) return whole('structure');
    const { attachment, disposition } = asParsed(p);
    if (!attachment) continue;
    if (!ENCODINGS.has(p.encoding)) return whole('encoding');
    if (p.size > opts.maxAttachmentBytes) return whole('size');
    attachments.push({ ...p, shownAs: disposition });
  }
  if (attachments.length === 0) return whole('no-attachments');
  const byCid = attachments.some((a) => a.cid && a.shownAs !== 'attachment');
  const html = byCid ? o.parts.filter((p) => p.type === 'text/html' && !asParsed(p).attachment) : [];
  if (html.some((p) => p.charset && /utf-?(16|32)|ucs/.test(p.charset))) return whole('charset');
  return { whole: false, head, attachments, html, sections: [...attachments, ...html].map((p) => p.section) };
}

/** The message as the whole path would have parsed it, from its header and the sections fetched; null when one is missing. */
export function assemble(plan: OutlinePlan & { whole: false }, got: Map<string, Buffer>): ParsedMail | null {
  const parts: MailPart[] = [];
  for (const a of plan.attachments) {
    const bytes = got.get(a.section);
    if (!bytes) return null;
    parts.push({ filename: a.filename, contentType: a.type, disposition: a.shownAs, cid: a.cid, bytes, size: bytes.length });
  }
  let html: string | null = null;
  for (const h of plan.html) {
    const bytes = got.get(h.section);
    if (!bytes) return null;
    html = (html ?? '') + bytes.toString('utf8'); // only looked into for cid: references, which are ASCII
  }
  return { ...plan.head, html, parts };
}
