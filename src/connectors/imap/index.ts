import { z } from 'zod';
import type { ConnectorContext, MailboxDefinition, TokenSource } from '../connector.js';
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

/**
 * A mailbox signed in to with OAuth 2.0 (XOAUTH2: Microsoft 365, Gmail): the same settings
 * without a password, since the access token comes from the connection's tokens in the vault.
 */
export const imapOAuthSettings = imapSettings.omit({ password: true });
export type ImapOAuthSettings = z.infer<typeof imapOAuthSettings>;

/** Opens a mailbox with XOAUTH2; a refused token is refreshed once (it may have been revoked early or be stale). */
export const openOAuthMailbox = (settings: ImapOAuthSettings, tokens: TokenSource, context: ConnectorContext) => ImapMailbox.connect(settings, context, tokens);

export const imapDefinition: MailboxDefinition<ImapSettings> = {
  kind: 'email',
  title: 'IMAP mailbox',
  settings: imapSettings,
  signInSettings: imapOAuthSettings,
  secrets: ['password'],
  create: async (settings, context) => ImapMailbox.connect(settings, context),
};
