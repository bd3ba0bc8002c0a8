import { randomBytes } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import yazl from 'yazl';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { LEASE_OWNER } from '../../src/catalog/leases.js';
import { insertChannel, type Channel } from '../../src/catalog/channels.js';
import { getCompany } from '../../src/catalog/organizations.js';
import { findBinderByName, insertBinder } from '../../src/catalog/channels.js';
import { silentLogger } from '../../src/log/log.js';
import type { MailOptions } from '../../src/domain/channels.js';
import type { IntakeDeps } from '../../src/collect/intake.js';
import type { MailJob } from '../../src/collect/email/message-intake.js';
import type { CollectWorld } from './collect.js';

/** Messages as mail programs send them, built by Nodemailer's composer (not by hand). */
export async function composeMail(o: Mail.Options): Promise<Buffer> {
  return new MailComposer({ from: 'ap@supplier.example', to: 'invoices@dossier.example', subject: 'Invoice', text: 'Please find our invoice attached.', ...o }).compile().build();
}

/** A small PDF whose bytes differ by `label`: sniffed as a PDF, enough for filing. */
export function tinyPdf(label: string): Buffer {
  const body = `BT /F1 12 Tf 72 720 Td (${label}) Tj ET`;
  return Buffer.from(`%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R>>endobj\n4 0 obj<</Length ${body.length}>>stream\n${body}\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n`);
}

/** A PNG of `size` bytes (a valid signature, random filling): what a logo or a scan looks like to a sniffer. */
export function fakePng(size: number): Buffer {
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(size - 8)]);
}

export async function zipOf(entries: Array<{ name: string; bytes: Buffer }>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const e of entries) zip.addBuffer(e.bytes, e.name);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** An e-mail channel of the world's company, straight in the catalog (no mailbox to test), and a job on it. */
export async function mailChannel(w: CollectWorld, mail: Partial<MailOptions>, name = `Mail ${randomBytes(3).toString('hex')}`): Promise<Channel> {
  const binder = (await findBinderByName(w.deps.db, w.orgId, w.companyId, 'Purchases')) ?? (await insertBinder(w.deps.db, w.orgId, w.companyId, 'Purchases'));
  return insertChannel(w.deps.db, w.orgId, {
    companyId: w.companyId, name, kind: 'email', connectionId: null, folder: 'INBOX', recipientId: w.userId, binderId: binder.id,
    collectAt: '06:00', moveCollected: false, clientEmail: null, clientName: null, createdBy: w.userId, state: 'active',
    options: { mail: { allowList: [], others: 'accept', processed: { action: 'none' }, maxAttachmentBytes: 10 * 1024 * 1024, bodyToPdf: false, ...mail } },
  });
}

export async function mailJob(w: CollectWorld, channel: Channel, runId: string | null = null): Promise<MailJob> {
  return { orgId: w.orgId, channel, company: await getCompany(w.deps.db, w.orgId, channel.companyId), owner: LEASE_OWNER, runId };
}

export const intakeDeps = (w: CollectWorld, readDocuments = false): IntakeDeps => ({ db: w.deps.db, log: silentLogger, vault: w.deps.vault, blobs: w.deps.blobs, readDocuments });

/** Delivers messages into a test Dovecot's mailbox the way a mail client stores them: IMAP APPEND. */
export async function appendMessages(d: { host: string; port: number; username: string; password: string; certificate: string }, raws: Buffer[], mailbox = 'INBOX'): Promise<void> {
  const { ImapFlow } = await import('imapflow');
  const client = new ImapFlow({ host: d.host, port: d.port, secure: true, auth: { user: d.username, pass: d.password }, tls: { ca: d.certificate }, logger: false });
  await client.connect();
  try {
    if (mailbox !== 'INBOX' && !(await client.list()).some((f) => f.path === mailbox)) await client.mailboxCreate(mailbox);
    for (const raw of raws) await client.append(mailbox, raw);
  } finally {
    await client.logout();
  }
}

/** The mailbox settings of an e-mail channel on a test Dovecot. */
export const dovecotSettings = (d: { host: string; port: number; username: string; password: string; certificate: string }) =>
  ({ host: d.host, port: d.port, username: d.username, password: d.password, caCertificate: d.certificate });
