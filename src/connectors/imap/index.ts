import { z } from 'zod';
import type { MailboxDefinition } from '../connector.js';
import { ImapMailbox } from './mailbox.js';

export const imapSettings = z.object({
  host: z.string().trim().min(1, 'Give the IMAP server name, such as imap.example.com.'),
  port: z.number().int().min(1).max(65535).default(993),
  /** TLS from the first byte (port 993); false means STARTTLS, required: Dossier never logs in in clear text. */
  tls: z.boolean().default(true),
  username: z.string().min(1, 'Give the user name (often the whole address) to log in with.'),
  password: z.string().min(1, 'Give the password, or an app password where the provider asks for one.'),
  mailbox: z.string().trim().min(1).default('INBOX'),
  /** A private certificate authority's certificate (PEM), for a company server whose certificate it signed. */
  caCertificate: z.string().refine((c) => c.includes('-----BEGIN CERTIFICATE-----'), 'Paste the whole certificate, including its BEGIN and END lines.').optional(),
});

export type ImapSettings = z.infer<typeof imapSettings>;

export const imapDefinition: MailboxDefinition<ImapSettings> = {
  kind: 'email',
  title: 'IMAP mailbox',
  settings: imapSettings,
  secrets: ['password'],
  create: async (settings, context) => ImapMailbox.connect(settings, context),
};
