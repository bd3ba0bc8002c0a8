import { createHash } from 'node:crypto';
import { findDocuments, type FoundDocument, type SkippedPart } from './documents.js';
import { parseMail, UnreadableMessage, type ParsedMail } from './parse.js';

/**
 * The CPU-bound half of taking in a message: its MIME parsed, its documents found (ZIPs and
 * attached messages opened) and each hashed. Pure work on bytes, with no database or
 * disk: an IMAP pass does it for the next fetch while the previous one is stored and filed.
 * (Doing it in worker threads was tried: it cost 1.5 to 2 times the CPU for no gain in time
 * on two cores, see docs/collect.md.)
 */

/** Messages attached to messages are opened this deep (a forward of a forward); deeper ones are not. */
export const MAX_NESTING = 3;

export interface ReadOptions {
  maxAttachmentBytes: number;
  /** Make text of an HTML-only body (for a body PDF). */
  textFromHtml: boolean;
  /** The sender when the message names none (the SMTP envelope's). */
  fallbackFrom: string | null;
}

export type HashedDocument = FoundDocument & { sha256: string };

export type ReadMessage =
  | { ok: false; outcome: 'malformed' | 'too_large'; reason: string; rawSha256: string }
  | {
    /** Null when the message was read from its parts (IMAP), never whole: it then has a Message-ID to be known by. */
    ok: true; rawSha256: string | null; messageId: string | null; from: string | null; subject: string | null; date: Date | null; text: string | null;
    /** Who sent it and about what: the run's line for the message, and the folder of its parts' paths. */
    label: string;
    documents: HashedDocument[]; skipped: SkippedPart[];
  };

/** The documents of a message and of the messages attached to it, to MAX_NESTING. */
async function documentsOf(mail: ParsedMail, where: string, maxBytes: number, depth: number): Promise<{ documents: FoundDocument[]; skipped: SkippedPart[] }> {
  const found = await findDocuments(mail.parts, mail.html, where, maxBytes);
  const documents = [...found.documents];
  const skipped = [...found.skipped];
  for (const { part, path } of found.messages) {
    if (depth >= MAX_NESTING) {
      skipped.push({ name: part.filename ?? 'message', path, outcome: 'too_deep', reason: `A message attached ${depth + 1} levels deep is not opened (at most ${MAX_NESTING}).` });
      continue;
    }
    try {
      const inner = await parseMail(part.bytes!, maxBytes);
      const got = await documentsOf(inner, path, maxBytes, depth + 1);
      documents.push(...got.documents);
      skipped.push(...got.skipped);
    } catch (e) {
      if (!(e instanceof UnreadableMessage)) throw e;
      skipped.push({ name: part.filename ?? 'message', path, outcome: e.outcome, reason: e.message });
    }
  }
  return { documents, skipped };
}

export async function readMessage(bytes: Buffer, o: ReadOptions): Promise<ReadMessage> {
  const rawSha256 = createHash('sha256').update(bytes).digest('hex');
  let mail: ParsedMail;
  try {
    mail = await parseMail(bytes, o.maxAttachmentBytes, { textFromHtml: o.textFromHtml });
  } catch (e) {
    if (!(e instanceof UnreadableMessage)) throw e;
    return { ok: false, outcome: e.outcome, reason: e.message, rawSha256 };
  }
  return readParsed(mail, rawSha256, o);
}

/**
 * The documents of a message already parsed: whole (above), or from its header block and the
 * parts an IMAP server sent on their own (./outline.ts), which are judged by the same rules.
 */
export async function readParsed(mail: ParsedMail, rawSha256: string | null, o: ReadOptions): Promise<ReadMessage & { ok: true }> {
  const from = mail.from ?? o.fallbackFrom;
  const label = `${from ?? 'unknown sender'}: ${mail.subject?.slice(0, 120) || '(no subject)'}`;
  const { documents, skipped } = await documentsOf(mail, label, o.maxAttachmentBytes, 0);
  return {
    ok: true, rawSha256, messageId: mail.messageId, from, subject: mail.subject, date: mail.date, text: mail.text, label, skipped,
    documents: documents.map((d) => ({ ...d, sha256: createHash('sha256').update(d.bytes).digest('hex') })),
  };
}
