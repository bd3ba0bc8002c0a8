import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import { fromHeader, type Mail, type Mailer } from './mailer.js';
import { scrubText } from '../log/log.js';

/**
 * For development and installations without SMTP: every mail is written as an .eml file (open
 * it with any mail program) to an outbox folder, and the log says where, with its links, so
 * whoever runs Dossier can follow an invitation without a mail server. That log line is the
 * point of this adapter; nothing else about a mail is logged.
 */
export class OutboxMailer implements Mailer {
  private readonly composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

  constructor(readonly dir: string, private readonly from: string, private readonly log: Logger) {}

  async send(mail: Mail): Promise<void> {
    const info = await this.composer.sendMail({ from: fromHeader(this.from, mail.fromName), to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
    // The mails hold one-time links: for Dossier's own user only.
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const file = join(this.dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}.eml`);
    await writeFile(file, info.message as Buffer, { mode: 0o600 });
    // The log shows where the mail is and its links without their one-time tokens: the file holds them.
    const links = (mail.text.match(/https?:\/\/\S+/g) ?? []).map(scrubText);
    this.log.info({ file, to: mail.to, subject: mail.subject, links }, 'mail written to the outbox (no SMTP server configured)');
  }
}
