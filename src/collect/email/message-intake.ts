import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { DEFAULT_MAIL_OPTIONS, type MailOptions } from '../../domain/channels.js';
import { addCollectRunItems, addToCollectRun, type CollectCounts, type CollectRunItem, type Outcome } from '../../catalog/collect-runs.js';
import { claimItems, claimOwners, ledgerItems, markPending, releaseClaims, type LedgerItem } from '../../catalog/ledger.js';
import { holderAlive } from '../../catalog/leases.js';
import { getMailMessage, recordMailMessages, type MessageSource, type NewMailMessage } from '../../catalog/mail-messages.js';
import { DomainError } from '../../domain/errors.js';
import { CLAIM_MS, eachLimited, fileBatch, type Fetched, type FilingJob, type IntakeDeps } from '../intake.js';
import { readRaw, UnreadableMessage } from './parse.js';
import type { HashedDocument, ReadMessage } from './read-message.js';
import { readMessage } from './read-message.js';
import { senderAllowed } from './senders.js';
import { bodyPdf, bodyPdfName } from './body-pdf.js';

export type { MessageSource as MailSource } from '../../catalog/mail-messages.js';

/**
 * Taking in one e-mail message, whichever way it came (an IMAP mailbox, the SMTP listener):
 * its documents filed into the inbox exactly once, through the same filing as a folder's
 * files, and the message and each attachment recorded with its outcome. A hostile message
 * ends in its outcome and nothing else; only a failure of Dossier itself (the database, the
 * disk) throws, and then nothing of the message is recorded, so it is taken again later.
 */

/** SPF, DKIM and DMARC results as the receiving side found them ("pass", "fail", ...), recorded as given. */
export interface AuthResults { spf?: string; dkim?: string; dmarc?: string }

export interface MailJob extends FilingJob {
  /** The run this message is part of: its lines and counts go there. */
  runId: string | null;
}

/** What became of a message as a whole. */
export type MessageOutcomeKind = 'collected' | 'duplicate' | 'already_collected' | 'no_documents' | 'refused' | 'held' | 'malformed' | 'too_large' | 'failed';

export interface MessageOutcome {
  messageKey: string;
  outcome: MessageOutcomeKind;
  detail: string | null;
  /** Documents filed now (new inbox items). */
  filed: number;
  items: Array<Omit<CollectRunItem, 'id' | 'at'>>;
}

/** The largest message taken at all; a larger one is recorded as too large without being parsed. */
export const MAX_MESSAGE_BYTES = 160 * 1024 * 1024;
/** Attachments written to the blob store at once: about the file system threads Node has (4). */
const STAGE_DEPTH = 4;
/** A Message-ID longer than this is not trusted as a key; the message's bytes are. */
const MAX_MESSAGE_ID = 400;

type RunLine = Omit<CollectRunItem, 'id' | 'at'>;

function counts(items: RunLine[]): CollectCounts {
  const c: CollectCounts = { found: 0, collected: 0, skipped: 0, duplicates: 0, failed: 0 };
  for (const i of items) {
    if (i.outcome === 'received') continue; // the message's own line: its attachments are counted
    c.found++;
    if (i.outcome === 'collected' || i.outcome === 'likely_duplicate' || i.outcome === 'changed') c.collected++;
    else if (i.outcome === 'duplicate') c.duplicates++;
    else if (['failed', 'malformed', 'too_large', 'unsafe_archive', 'too_deep'].includes(i.outcome)) c.failed++;
    else c.skipped++;
  }
  return c;
}

export const mailOptions = (job: FilingJob): MailOptions => ({ ...DEFAULT_MAIL_OPTIONS, ...job.channel.options.mail });

export interface IntakeOptions {
  /** A held message let in by a user: the sender's policy is not asked again. */
  release?: boolean;
}

/** Whether the sender may send documents, and what to do when not. */
export function senderVerdict(opts: MailOptions, from: string | null, auth: AuthResults | undefined): 'accept' | 'refuse' | 'hold' {
  return senderAllowed(opts.allowList, from, auth) ? 'accept' : opts.others;
}

/**
 * A message read and judged, not yet filed: its record, and either its final outcome (refused,
 * held, unreadable) or the documents to file. Judging is per message; filing is per batch.
 */
export interface Judged {
  record: Recorded;
  label: string;
  /** Set when nothing is to be filed: the message's outcome already. */
  outcome?: MessageOutcomeKind;
  detail: string | null;
  /** Parts that are not documents (logos, over the limit, unsafe archives), as run lines. */
  skipped: RunLine[];
  documents: HashedDocument[];
  date: Date | null;
}

export async function intakeMessage(deps: IntakeDeps, job: MailJob, raw: Buffer | Readable, source: MessageSource, auth?: AuthResults, o: IntakeOptions = {}): Promise<MessageOutcome> {
  return (await takeIn(deps, job, [await judgeMessage(deps, job, raw, source, auth, o)]))[0]!;
}

const baseRecord = (job: MailJob, source: MessageSource, auth: AuthResults | undefined) => ({
  channelId: job.channel.id, source: source.kind,
  uidValidity: source.kind === 'imap' ? source.uidValidity : null, uid: source.kind === 'imap' ? source.uid : null,
  envelopeFrom: source.kind === 'smtp' ? source.envelopeFrom : null,
  spf: auth?.spf ?? null, dkim: auth?.dkim ?? null, dmarc: auth?.dmarc ?? null, runId: job.runId,
});
const whereFrom = (source: MessageSource) => source.kind === 'imap' ? `${source.mailbox} UID ${source.uidValidity}.${source.uid}` : `SMTP from ${source.envelopeFrom || '<>'} (${source.remoteAddress})`;
const ends = (record: Recorded, outcome: MessageOutcomeKind, detail: string, label: string): Judged => ({ record, label, outcome, detail, skipped: [], documents: [], date: null });
/** A Message-ID the message may be known by; a longer one is not trusted as a key, the message's bytes are. */
export const usableMessageId = (id: string | null): id is string => !!id && id.length <= MAX_MESSAGE_ID;

/** Reads one message and decides what is to become of it; a message held for review is kept whole in the vault here. */
export async function judgeMessage(deps: IntakeDeps, job: MailJob, raw: Buffer | Readable, source: MessageSource, auth?: AuthResults, o: IntakeOptions = {}): Promise<Judged> {
  const opts = mailOptions(job);
  const base = baseRecord(job, source, auth);
  const where = whereFrom(source);
  let bytes: Buffer;
  try {
    bytes = await readRaw(raw, MAX_MESSAGE_BYTES);
  } catch (e) {
    if (!(e instanceof UnreadableMessage)) throw e;
    // Without its bytes, the message has no key of its own: where it came from is its key.
    const key = `unread:${source.kind === 'imap' ? `${source.uidValidity}.${source.uid}` : createHash('sha256').update(where + Date.now()).digest('hex')}`;
    return ends({ ...base, messageKey: key, messageId: null, fromAddress: null, subject: null, sentAt: null, rawSha256: null }, e.outcome, e.message, where);
  }
  const fallbackFrom = source.kind === 'smtp' && source.envelopeFrom ? source.envelopeFrom.toLowerCase() : null;
  const read = await readMessage(bytes, { maxAttachmentBytes: opts.maxAttachmentBytes, textFromHtml: opts.bodyToPdf, fallbackFrom });
  return judgeRead(deps, job, read, bytes, source, auth, o);
}

/**
 * What becomes of a message read (whole, or from its parts: ./outline.ts). `bytes` are the
 * whole message's, kept when it is held for review; a message read from its parts is never
 * held here (the outline path fetches such a message whole).
 */
export async function judgeRead(deps: IntakeDeps, job: MailJob, read: ReadMessage, bytes: Buffer | null, source: MessageSource, auth?: AuthResults, o: IntakeOptions = {}): Promise<Judged> {
  const opts = mailOptions(job);
  const base = baseRecord(job, source, auth);
  const where = whereFrom(source);
  if (!read.ok) return ends({ ...base, messageKey: `sha256:${read.rawSha256}`, messageId: null, fromAddress: null, subject: null, sentAt: null, rawSha256: null }, read.outcome, read.reason, where);
  const messageKey = usableMessageId(read.messageId) ? `mid:${read.messageId}` : read.rawSha256 ? `sha256:${read.rawSha256}` : null;
  // The outline path (./outline.ts) fetches such messages whole: reaching here without the bytes is a bug of Dossier's.
  if (!messageKey) throw new Error('A message without a usable Message-ID is judged from its whole bytes.');
  const fromAddress = read.from;
  const record: Recorded = { ...base, messageKey, messageId: read.messageId, fromAddress, subject: read.subject?.slice(0, 500) ?? null, sentAt: read.date?.toISOString() ?? null, rawSha256: null };
  const { label } = read;

  const verdict = o.release ? 'accept' : senderVerdict(opts, fromAddress, auth);
  if (verdict === 'refuse') return ends(record, 'refused', `${fromAddress ?? 'The sender'} is not on this channel's list of senders; the message was refused and nothing of it kept.`, label);
  if (verdict === 'hold') {
    // Kept whole, durably, until a user lets it in or not: nothing of it reaches the inbox before.
    if (!bytes) throw new Error('A message held for review is judged from its whole bytes.');
    const staged = await deps.vault.stage(Readable.from([bytes]), { durable: true });
    return ends({ ...record, rawSha256: staged.sha256 }, 'held', `${fromAddress ?? 'The sender'} is not on this channel's list of senders; the message is kept aside for review.`, label);
  }

  const { documents, skipped } = read;
  // Nothing attached that is a document (a logo or a signature does not count): the body, when the channel asks.
  if (documents.length === 0 && opts.bodyToPdf && read.text?.trim()) {
    const name = bodyPdfName(read.subject);
    const pdf = await bodyPdf({ from: fromAddress, subject: read.subject, date: read.date, text: read.text });
    documents.push({ name, mime: 'application/pdf', bytes: pdf, path: `${label}/${name}`, sha256: createHash('sha256').update(pdf).digest('hex') });
  }
  const lines: RunLine[] = skipped.map((s) => ({ key: `${messageKey}/${s.path}`, path: s.path, outcome: s.outcome as Outcome, inboxItemId: null, error: s.reason }));
  return { record: { ...record, documents: documents.length }, label, detail: skipped.length ? 'No attachment of this message is a document.' : 'The message has no attachments.', skipped: lines, documents, date: read.date };
}

/**
 * Files the documents of judged messages together (one ledger pass, one disk flush, one
 * transaction for all of them), then records every message and its run lines in one more
 * transaction. A crash between the two leaves the documents filed and the messages not
 * recorded: the next pass takes those messages again and finds each document already collected.
 */
export async function takeIn(deps: IntakeDeps, job: MailJob, judged: Judged[]): Promise<MessageOutcome[]> {
  const toFile = judged.filter((j) => !j.outcome);
  const filed = await fileDocuments(deps, job, toFile);
  const results = judged.map((j) => {
    if (j.outcome) return { j, outcome: j.outcome, detail: j.detail, lines: [] as RunLine[] };
    const mine = filed.get(j) ?? [];
    const outcomes = new Set(mine.map((l) => l.outcome));
    const kind: MessageOutcomeKind = outcomes.has('failed') ? 'failed'
      : outcomes.has('collected') || outcomes.has('likely_duplicate') ? 'collected'
        : outcomes.has('duplicate') ? 'duplicate' : outcomes.has('already_collected') ? 'already_collected' : 'no_documents';
    return { j, outcome: kind, detail: kind === 'no_documents' ? j.detail : null, lines: [...j.skipped, ...mine] };
  });
  return finish(deps, job, results);
}
/**
 * A message held for review, let in by a user: taken in from the bytes kept in the vault as if
 * its sender were on the list, and recorded with its new outcome (the kept copy is then let go).
 */
export async function releaseHeld(deps: IntakeDeps, job: MailJob, messageKey: string): Promise<MessageOutcome> {
  const m = await getMailMessage(deps.db, job.channel.id, messageKey);
  if (!m) throw new DomainError('not_found', `No message ${messageKey} came through "${job.channel.name}".`, { reason: 'not_found_thing', params: { id: messageKey } });
  if (m.outcome !== 'held' || !m.rawSha256) throw notHeld(messageKey, m.outcome);
  const chunks: Buffer[] = [];
  for await (const c of deps.blobs.open(m.rawSha256)) chunks.push(c as Buffer);
  const source: MessageSource = m.source === 'imap'
    ? { kind: 'imap', mailbox: job.channel.folder ?? 'INBOX', uidValidity: m.uidValidity ?? 0, uid: m.uid ?? 0 }
    : { kind: 'smtp', envelopeFrom: m.envelopeFrom ?? '', rcptTo: '', remoteAddress: '' };
  const auth = { ...(m.spf && { spf: m.spf }), ...(m.dkim && { dkim: m.dkim }), ...(m.dmarc && { dmarc: m.dmarc }) };
  return intakeMessage(deps, job, Buffer.concat(chunks), source, auth, { release: true });
}

export const notHeld = (messageKey: string, outcome: string) =>
  new DomainError('conflict', `The message ${messageKey} is not held for review (it was ${outcome}).`, { reason: 'message_not_held', params: { outcome } });

/** A message over MAX_MESSAGE_BYTES, known by its size before it is fetched: recorded as too large, never downloaded. */
export function judgeOversized(job: MailJob, source: MessageSource & { kind: 'imap' }, size: number): Judged {
  const record = {
    channelId: job.channel.id, source: source.kind, uidValidity: source.uidValidity, uid: source.uid, envelopeFrom: null, spf: null, dkim: null, dmarc: null,
    runId: job.runId, messageKey: `unread:${source.uidValidity}.${source.uid}`, messageId: null, fromAddress: null, subject: null, sentAt: null, rawSha256: null,
  };
  return { record, label: `${source.mailbox} UID ${source.uidValidity}.${source.uid}`, outcome: 'too_large', detail: `The message is ${size} bytes, over the limit of ${MAX_MESSAGE_BYTES}: it was not downloaded.`, skipped: [], documents: [], date: null };
}

/**
 * Files the messages' documents through the shared filing (./intake.ts) as one batch, each
 * under the key message + SHA-256 in the channel ledger: a document filed before, from this
 * message, is not filed again; the same bytes from another message (a forward) are the inbox's
 * duplicate. The same message twice in one batch (appended twice) files its documents once.
 */
async function fileDocuments(deps: IntakeDeps, job: MailJob, messages: Judged[]): Promise<Map<Judged, RunLine[]>> {
  const out = new Map<Judged, RunLine[]>(messages.map((m) => [m, []]));
  const byKey = new Map<string, HashedDocument & { of: Judged }>();
  const again: Array<{ of: Judged; key: string; path: string }> = [];
  for (const m of messages) {
    const mine = new Set<string>();
    for (const d of m.documents) {
      const key = `${m.record.messageKey}/${d.sha256}`;
      if (mine.has(key)) continue; // the same file attached twice to one message is one document
      mine.add(key);
      if (byKey.has(key)) again.push({ of: m, key, path: d.path });
      else byKey.set(key, { ...d, of: m });
    }
  }
  if (byKey.size === 0) return out;
  const channelId = job.channel.id;
  const lines = new Map<string, RunLine>();
  const known = await ledgerItems(deps.db, channelId, [...byKey.keys()]);
  const open = [...byKey.entries()].filter(([key, d]) => {
    const row = known.get(key);
    if (row && (row.state === 'collected' || row.state === 'duplicate')) {
      lines.set(key, { key, path: d.path, outcome: 'already_collected', inboxItemId: row.inboxItemId, error: null });
      return false;
    }
    return true;
  });
  if (open.length > 0) {
    await markPending(deps.db, job.orgId, channelId, open.map(([key, d]) => ({ key, path: d.path, size: d.bytes.length, modifiedAt: d.of.date?.toISOString() ?? null, remoteHash: `sha256:${d.sha256}` })));
    let held = await claimItems(deps.db, channelId, open.map(([k]) => k), job.owner, CLAIM_MS);
    if (held.size < open.length) {
      // Claims of a process that died mid-message are free: it will not finish them.
      await releaseClaims(deps.db, channelId, (await claimOwners(deps.db, channelId)).filter((o) => o !== job.owner && !holderAlive(o)));
      held = await claimItems(deps.db, channelId, open.map(([k]) => k), job.owner, CLAIM_MS);
    }
    const rows = await ledgerItems(deps.db, channelId, [...held]);
    const mine: Array<{ item: LedgerItem; d: HashedDocument }> = [];
    for (const [key, d] of open) {
      const item = rows.get(key);
      if (item) mine.push({ item, d });
      else lines.set(key, { key, path: d.path, outcome: 'failed', inboxItemId: null, error: 'Another worker is taking in this message right now; it is taken again later.' });
    }
    // Written a few at a time, in the order filing expects them: the disk works on several files at once.
    const fetched: Fetched[] = new Array(mine.length);
    await eachLimited(mine.map((m, i) => ({ ...m, i })), STAGE_DEPTH, async ({ item, d, i }) => {
      fetched[i] = { item, blob: await deps.vault.stage(Readable.from([d.bytes]), { durable: false }), name: d.name, mime: d.mime };
    });
    for (const { item, result } of await fileBatch(deps, job, { fetched, results: [] })) {
      lines.set(item.key, { key: item.key, path: item.path, outcome: result.outcome, inboxItemId: result.inboxItemId, error: result.error });
    }
  }
  for (const [key, d] of byKey) out.get(d.of)!.push(lines.get(key)!);
  for (const { of, key, path } of again) {
    const first = lines.get(key)!;
    const done = first.outcome !== 'failed';
    out.get(of)!.push({ key, path, outcome: done ? 'already_collected' : 'failed', inboxItemId: first.inboxItemId, error: done ? null : first.error });
  }
  return out;
}

type Recorded = Omit<NewMailMessage, 'outcome' | 'detail' | 'documents'> & { documents?: number };

interface Decided { j: Judged; outcome: MessageOutcomeKind; detail: string | null; lines: RunLine[] }

/**
 * Records the messages (except those that failed in a way a later try may get past) and the
 * run's lines and counts, in one transaction for the batch.
 */
async function finish(deps: IntakeDeps, job: MailJob, decided: Decided[]): Promise<MessageOutcome[]> {
  const out: MessageOutcome[] = [];
  const all: RunLine[] = [];
  for (const { j, outcome, detail, lines } of decided) {
    const items: RunLine[] = [{ key: j.record.messageKey, path: j.label, outcome: lines.length ? 'received' : (outcome as Outcome), inboxItemId: null, error: detail }, ...lines];
    all.push(...items);
    out.push({ messageKey: j.record.messageKey, outcome, detail, filed: lines.filter((l) => l.outcome === 'collected' || l.outcome === 'likely_duplicate').length, items });
    if (outcome === 'malformed' || outcome === 'too_large') deps.log.info({ channel: job.channel.id, message: j.record.messageKey, outcome }, 'a message was not taken in');
  }
  await deps.db.transaction().execute(async (trx) => {
    await recordMailMessages(trx, job.orgId, decided.flatMap(({ j, outcome, detail }) => (outcome === 'failed' ? [] : [{ ...j.record, outcome, detail, documents: j.record.documents ?? 0 }])));
    if (job.runId) {
      await addCollectRunItems(trx, job.runId, all);
      await addToCollectRun(trx, job.runId, counts(all));
    }
  });
  return out;
}
