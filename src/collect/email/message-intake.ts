import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { DEFAULT_MAIL_OPTIONS, type MailOptions } from '../../domain/channels.js';
import { addCollectRunItems, addToCollectRun, type CollectCounts, type CollectRunItem, type Outcome } from '../../catalog/collect-runs.js';
import { claimItems, claimOwners, ledgerItems, markPending, releaseClaims } from '../../catalog/ledger.js';
import { holderAlive } from '../../catalog/leases.js';
import { getMailMessage, recordMailMessage, type MessageSource } from '../../catalog/mail-messages.js';
import { DomainError } from '../../domain/errors.js';
import { CLAIM_MS, fileBatch, type Fetched, type FilingJob, type IntakeDeps } from '../intake.js';
import { findDocuments, type FoundDocument, type SkippedPart } from './documents.js';
import { parseMail, readRaw, UnreadableMessage, type ParsedMail } from './parse.js';
import { senderAllowed } from './senders.js';

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
/** Messages attached to messages are opened this deep (a forward of a forward); deeper ones are not. */
export const MAX_NESTING = 3;
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

export interface IntakeOptions {
  /** A held message let in by a user: the sender's policy is not asked again. */
  release?: boolean;
}

/** Whether the sender may send documents, and what to do when not. */
function senderVerdict(opts: MailOptions, from: string | null, auth: AuthResults | undefined): 'accept' | 'refuse' | 'hold' {
  return senderAllowed(opts.allowList, from, auth) ? 'accept' : opts.others;
}

export async function intakeMessage(deps: IntakeDeps, job: MailJob, raw: Buffer | Readable, source: MessageSource, auth?: AuthResults, o: IntakeOptions = {}): Promise<MessageOutcome> {
  const opts = mailOptions(job);
  const base = {
    channelId: job.channel.id, source: source.kind,
    uidValidity: source.kind === 'imap' ? source.uidValidity : null, uid: source.kind === 'imap' ? source.uid : null,
    envelopeFrom: source.kind === 'smtp' ? source.envelopeFrom : null,
    spf: auth?.spf ?? null, dkim: auth?.dkim ?? null, dmarc: auth?.dmarc ?? null, runId: job.runId,
  };
  const where = source.kind === 'imap' ? `${source.mailbox} UID ${source.uidValidity}.${source.uid}` : `SMTP from ${source.envelopeFrom || '<>'} (${source.remoteAddress})`;
  let bytes: Buffer;
  try {
    bytes = await readRaw(raw, MAX_MESSAGE_BYTES);
  } catch (e) {
    if (!(e instanceof UnreadableMessage)) throw e;
    // Without its bytes, the message has no key of its own: where it came from is its key.
    const key = `unread:${source.kind === 'imap' ? `${source.uidValidity}.${source.uid}` : createHash('sha256').update(where + Date.now()).digest('hex')}`;
    return finish(deps, job, { ...base, messageKey: key, messageId: null, fromAddress: null, subject: null, sentAt: null, rawSha256: null }, e.outcome, e.message, [], where);
  }
  const rawSha = createHash('sha256').update(bytes).digest('hex');
  let mail: ParsedMail;
  try {
    mail = await parseMail(bytes, opts.maxAttachmentBytes);
  } catch (e) {
    if (!(e instanceof UnreadableMessage)) throw e;
    return finish(deps, job, { ...base, messageKey: `sha256:${rawSha}`, messageId: null, fromAddress: null, subject: null, sentAt: null, rawSha256: null }, e.outcome, e.message, [], where);
  }
  const messageKey = mail.messageId && mail.messageId.length <= MAX_MESSAGE_ID ? `mid:${mail.messageId}` : `sha256:${rawSha}`;
  const fromAddress = mail.from ?? (source.kind === 'smtp' && source.envelopeFrom ? source.envelopeFrom.toLowerCase() : null);
  const record = { ...base, messageKey, messageId: mail.messageId, fromAddress, subject: mail.subject?.slice(0, 500) ?? null, sentAt: mail.date?.toISOString() ?? null, rawSha256: null as string | null };
  const label = `${fromAddress ?? 'unknown sender'}: ${mail.subject?.slice(0, 120) || '(no subject)'}`;

  const verdict = o.release ? 'accept' : senderVerdict(opts, fromAddress, auth);
  if (verdict === 'refuse') return finish(deps, job, record, 'refused', `${fromAddress ?? 'The sender'} is not on this channel's list of senders; the message was refused and nothing of it kept.`, [], label);
  if (verdict === 'hold') {
    // Kept whole, durably, until a user lets it in or not: nothing of it reaches the inbox before.
    const staged = await deps.vault.stage(Readable.from([bytes]), { durable: true });
    return finish(deps, job, { ...record, rawSha256: staged.sha256 }, 'held', `${fromAddress ?? 'The sender'} is not on this channel's list of senders; the message is kept aside for review.`, [], label);
  }

  const { documents, skipped } = await documentsOf(mail, label, opts.maxAttachmentBytes, 0);
  const lines: RunLine[] = skipped.map((s) => ({ key: `${messageKey}/${s.path}`, path: s.path, outcome: s.outcome as Outcome, inboxItemId: null, error: s.reason }));
  const filed = await fileDocuments(deps, job, messageKey, documents, mail.date);
  lines.push(...filed);
  const outcomes = new Set(filed.map((l) => l.outcome));
  const kind: MessageOutcomeKind = outcomes.has('failed') ? 'failed'
    : outcomes.has('collected') || outcomes.has('likely_duplicate') ? 'collected'
      : outcomes.has('duplicate') ? 'duplicate' : outcomes.has('already_collected') ? 'already_collected' : 'no_documents';
  const detail = kind === 'no_documents' ? (skipped.length ? 'No attachment of this message is a document.' : 'The message has no attachments.') : null;
  return finish(deps, job, { ...record, documents: documents.length } as typeof record, kind, detail, lines, label);
}

/**
 * A message held for review, let in by a user: taken in from the bytes kept in the vault as if
 * its sender were on the list, and recorded with its new outcome (the kept copy is then let go).
 */
export async function releaseHeld(deps: IntakeDeps, job: MailJob, messageKey: string): Promise<MessageOutcome> {
  const m = await getMailMessage(deps.db, job.channel.id, messageKey);
  if (!m) throw new DomainError('not_found', `No message ${messageKey} came through "${job.channel.name}".`);
  if (m.outcome !== 'held' || !m.rawSha256) throw new DomainError('conflict', `The message ${messageKey} is not held for review (it was ${m.outcome}).`);
  const chunks: Buffer[] = [];
  for await (const c of deps.blobs.open(m.rawSha256)) chunks.push(c as Buffer);
  const source: MessageSource = m.source === 'imap'
    ? { kind: 'imap', mailbox: job.channel.folder ?? 'INBOX', uidValidity: m.uidValidity ?? 0, uid: m.uid ?? 0 }
    : { kind: 'smtp', envelopeFrom: m.envelopeFrom ?? '', rcptTo: '', remoteAddress: '' };
  const auth = { ...(m.spf && { spf: m.spf }), ...(m.dkim && { dkim: m.dkim }), ...(m.dmarc && { dmarc: m.dmarc }) };
  return intakeMessage(deps, job, Buffer.concat(chunks), source, auth, { release: true });
}

/** A message over MAX_MESSAGE_BYTES, known by its size before it is fetched: recorded as too large, never downloaded. */
export async function intakeOversized(deps: IntakeDeps, job: MailJob, source: MessageSource & { kind: 'imap' }, size: number): Promise<MessageOutcome> {
  const record = {
    channelId: job.channel.id, source: source.kind, uidValidity: source.uidValidity, uid: source.uid, envelopeFrom: null, spf: null, dkim: null, dmarc: null,
    runId: job.runId, messageKey: `unread:${source.uidValidity}.${source.uid}`, messageId: null, fromAddress: null, subject: null, sentAt: null, rawSha256: null,
  };
  return finish(deps, job, record, 'too_large', `The message is ${size} bytes, over the limit of ${MAX_MESSAGE_BYTES}: it was not downloaded.`, [], `${source.mailbox} UID ${source.uidValidity}.${source.uid}`);
}

/**
 * Files a message's documents through the shared filing (./intake.ts), each under the key
 * message + SHA-256 in the channel ledger: a document filed before, from this message, is not
 * filed again; the same bytes from another message (a forward) are the inbox's duplicate.
 */
async function fileDocuments(deps: IntakeDeps, job: MailJob, messageKey: string, documents: FoundDocument[], date: Date | null): Promise<RunLine[]> {
  const byKey = new Map<string, FoundDocument & { sha256: string }>();
  for (const d of documents) {
    const sha256 = createHash('sha256').update(d.bytes).digest('hex');
    const key = `${messageKey}/${sha256}`;
    if (!byKey.has(key)) byKey.set(key, { ...d, sha256 }); // the same file attached twice to one message is one document
  }
  if (byKey.size === 0) return [];
  const channelId = job.channel.id;
  const lines: RunLine[] = [];
  const known = await ledgerItems(deps.db, channelId, [...byKey.keys()]);
  const open = [...byKey.entries()].filter(([key, d]) => {
    const row = known.get(key);
    if (row && (row.state === 'collected' || row.state === 'duplicate')) {
      lines.push({ key, path: d.path, outcome: 'already_collected', inboxItemId: row.inboxItemId, error: null });
      return false;
    }
    return true;
  });
  if (open.length === 0) return lines;
  const modifiedAt = date?.toISOString() ?? null;
  await markPending(deps.db, job.orgId, channelId, open.map(([key, d]) => ({ key, path: d.path, size: d.bytes.length, modifiedAt, remoteHash: `sha256:${d.sha256}` })));
  let held = await claimItems(deps.db, channelId, open.map(([k]) => k), job.owner, CLAIM_MS);
  if (held.size < open.length) {
    // Claims of a process that died mid-message are free: it will not finish them.
    await releaseClaims(deps.db, channelId, (await claimOwners(deps.db, channelId)).filter((o) => o !== job.owner && !holderAlive(o)));
    held = await claimItems(deps.db, channelId, open.map(([k]) => k), job.owner, CLAIM_MS);
  }
  const rows = await ledgerItems(deps.db, channelId, [...held]);
  const fetched: Fetched[] = [];
  for (const [key, d] of open) {
    const item = rows.get(key);
    if (!item) {
      lines.push({ key, path: d.path, outcome: 'failed', inboxItemId: null, error: 'Another worker is taking in this message right now; it is taken again later.' });
      continue;
    }
    const blob = await deps.vault.stage(Readable.from([d.bytes]), { durable: false });
    fetched.push({ item, blob, name: d.name, mime: d.mime });
  }
  for (const { item, result } of await fileBatch(deps, job, { fetched, results: [] })) {
    lines.push({ key: item.key, path: item.path, outcome: result.outcome, inboxItemId: result.inboxItemId, error: result.error });
  }
  return lines;
}

type Recorded = Omit<Parameters<typeof recordMailMessage>[2], 'outcome' | 'detail' | 'documents'> & { documents?: number };

/** Records the message (unless something failed that a later try may get past) and the run's lines. */
async function finish(deps: IntakeDeps, job: MailJob, m: Recorded, outcome: MessageOutcomeKind, detail: string | null, lines: RunLine[], label: string): Promise<MessageOutcome> {
  const items: RunLine[] = [{ key: m.messageKey, path: label, outcome: lines.length ? 'received' : (outcome as Outcome), inboxItemId: null, error: detail }, ...lines];
  if (outcome !== 'failed') await recordMailMessage(deps.db, job.orgId, { ...m, outcome, detail, documents: m.documents ?? 0 });
  if (job.runId) {
    await addCollectRunItems(deps.db, job.runId, items);
    await addToCollectRun(deps.db, job.runId, counts(items));
  }
  if (outcome === 'malformed' || outcome === 'too_large') deps.log.info({ channel: job.channel.id, message: m.messageKey, outcome }, 'a message was not taken in');
  return { messageKey: m.messageKey, outcome, detail, filed: lines.filter((l) => l.outcome === 'collected' || l.outcome === 'likely_duplicate').length, items };
}
