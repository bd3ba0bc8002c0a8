import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import { fromHeader, type Mail, type Mailer } from './mailer.js';

export interface SmtpSettings {
  /** smtp://user:password@host:587 or smtps://...:465 */
  url: string;
  from: string;
}

/** Sends through an SMTP server. The log names the recipient and subject, never the server's password or the mail's links. */
export class SmtpMailer implements Mailer {
  private readonly transport: nodemailer.Transporter;

  constructor(private readonly settings: SmtpSettings, private readonly log: Logger) {
    this.transport = nodemailer.createTransport(settings.url);
  }

  async send(mail: Mail): Promise<void> {
    try {
      await this.transport.sendMail({ from: fromHeader(this.settings.from, mail.fromName), to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
    } catch (e) {
      throw new Error(`The e-mail to ${mail.to} could not be sent (${(e as Error).message}): check DOSSIER_SMTP_URL.`, { cause: e });
    }
    this.log.info({ to: mail.to, subject: mail.subject }, 'mail sent');
  }
}
