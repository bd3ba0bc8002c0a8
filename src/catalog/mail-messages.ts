import { now, type Db } from './db.js';
import type { Database } from './schema.js';

/**
 * The messages an e-mail channel took in, one row each, written once its documents are filed:
 * what makes a message be taken once, whether it comes by IMAP or SMTP, again or forwarded.
 */
export type MessageSource =
  | { kind: 'imap'; mailbox: string; uidValidity: number; uid: number }
  | { kind: 'smtp'; envelopeFrom: string; rcptTo: string; remoteAddress: string };

export interface MailMessage {
  channelId: string; messageKey: string; messageId: string | null; source: 'imap' | 'smtp';
  uidValidity: number | null; uid: number | null; envelopeFrom: string | null; fromAddress: string | null; subject: string | null;
  sentAt: string | null; spf: string | null; dkim: string | null; dmarc: string | null;
  outcome: string; detail: string | null; documents: number; rawSha256: string | null; runId: string | null; receivedAt: string;
}

export type NewMailMessage = Omit<MailMessage, 'receivedAt'>;

const toMessage = (r: Database['mail_messages']): MailMessage => ({
  channelId: r.channel_id, messageKey: r.message_key, messageId: r.message_id, source: r.source as MailMessage['source'],
  uidValidity: r.uid_validity === null ? null : Number(r.uid_validity), uid: r.uid === null ? null : Number(r.uid),
  envelopeFrom: r.envelope_from, fromAddress: r.from_address, subject: r.subject, sentAt: r.sent_at, spf: r.spf, dkim: r.dkim, dmarc: r.dmarc,
  outcome: r.outcome, detail: r.detail, documents: r.documents, rawSha256: r.raw_sha256, runId: r.run_id, receivedAt: r.received_at,
});

const row = (orgId: string, m: NewMailMessage, at: string) => ({
  channel_id: m.channelId, message_key: m.messageKey, org_id: orgId, message_id: m.messageId, source: m.source,
  uid_validity: m.uidValidity, uid: m.uid, envelope_from: m.envelopeFrom, from_address: m.fromAddress, subject: m.subject,
  sent_at: m.sentAt, spf: m.spf, dkim: m.dkim, dmarc: m.dmarc, outcome: m.outcome, detail: m.detail, documents: m.documents,
  raw_sha256: m.rawSha256, run_id: m.runId, received_at: at,
});

/** Rows written by one statement: well under the bound parameters SQLite and PostgreSQL take. */
const ROWS_PER_INSERT = 100;

/**
 * Records messages, or what became of them once more (a message held for review, then let in):
 * the first source a message came by stays, the outcome is the latest. A batch takes one
 * statement per ROWS_PER_INSERT messages; a message twice in it (appended twice) is recorded
 * again after the others, in order, since one statement may not update a row twice.
 */
export async function recordMailMessages(db: Db, orgId: string, ms: NewMailMessage[]): Promise<void> {
  const at = now();
  const seen = new Set<string>();
  const first: NewMailMessage[] = [];
  const again: NewMailMessage[] = [];
  for (const m of ms) {
    const key = `${m.channelId}\n${m.messageKey}`;
    (seen.has(key) ? again : first).push(m);
    seen.add(key);
  }
  const write = (rows: NewMailMessage[]) => db.insertInto('mail_messages').values(rows.map((m) => row(orgId, m, at)))
    .onConflict((oc) => oc.columns(['channel_id', 'message_key']).doUpdateSet((eb) => ({
      outcome: eb.ref('excluded.outcome'), detail: eb.ref('excluded.detail'), documents: eb.ref('excluded.documents'),
      raw_sha256: eb.ref('excluded.raw_sha256'), run_id: eb.ref('excluded.run_id'),
    }))).execute();
  for (let i = 0; i < first.length; i += ROWS_PER_INSERT) await write(first.slice(i, i + ROWS_PER_INSERT));
  for (const m of again) await write([m]);
}

export async function getMailMessage(db: Db, channelId: string, messageKey: string): Promise<MailMessage | null> {
  const r = await db.selectFrom('mail_messages').selectAll().where('channel_id', '=', channelId).where('message_key', '=', messageKey).executeTakeFirst();
  return r ? toMessage(r) : null;
}

/** Of these UIDs of one mailbox generation, the ones already taken in: an IMAP pass does not fetch them. */
export async function knownUids(db: Db, channelId: string, uidValidity: number, uids: number[]): Promise<Set<number>> {
  const out = new Set<number>();
  for (let i = 0; i < uids.length; i += 500) {
    const rows = await db.selectFrom('mail_messages').select('uid').where('channel_id', '=', channelId)
      .where('uid_validity', '=', uidValidity).where('uid', 'in', uids.slice(i, i + 500)).execute();
    for (const r of rows) out.add(Number(r.uid));
  }
  return out;
}

export async function listMailMessages(db: Db, orgId: string, channelId: string, f: { outcome?: string; limit: number }): Promise<MailMessage[]> {
  let q = db.selectFrom('mail_messages').selectAll().where('org_id', '=', orgId).where('channel_id', '=', channelId);
  if (f.outcome) q = q.where('outcome', '=', f.outcome);
  return (await q.orderBy('received_at', 'desc').limit(f.limit).execute()).map(toMessage);
}

/**
 * A held message refused by a user: recorded as refused, and its kept copy let go (the blob
 * clean-up takes bytes nothing refers to). False when it was not held (any more).
 */
export async function refuseHeldMessage(db: Db, orgId: string, channelId: string, messageKey: string, detail: string): Promise<boolean> {
  const r = await db.updateTable('mail_messages').set({ outcome: 'refused', detail, raw_sha256: null })
    .where('org_id', '=', orgId).where('channel_id', '=', channelId).where('message_key', '=', messageKey).where('outcome', '=', 'held')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
