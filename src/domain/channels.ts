/** Collection channels: where a client's documents are collected from, and how it stands. */
export const CHANNEL_KINDS = ['onedrive', 'gdrive', 'dropbox', 'sftp', 'webdav', 'local', 'email'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** Kinds the client connects through the provider's consent page; the others take server details. */
export const OAUTH_CHANNEL_KINDS: readonly ChannelKind[] = ['onedrive', 'gdrive', 'dropbox'];

export const CHANNEL_STATES = ['waiting_for_client', 'active', 'paused', 'needs_attention'] as const;
export type ChannelState = (typeof CHANNEL_STATES)[number];

/** Where collected files go when a channel moves them out of the way (off by default). */
export const COLLECTED_FOLDER = 'Collected';

/** `reading`: filed, its reading job not finished yet (set by Dossier only); then to review, then done. */
export const INBOX_STATUSES = ['reading', 'to_review', 'done'] as const;
/** The statuses a reviewer may set. */
export const REVIEW_STATUSES = ['to_review', 'done'] as const;
export type InboxStatus = (typeof INBOX_STATUSES)[number];

/** How a channel kind is named to a client. */
export const CHANNEL_TITLES: Record<ChannelKind, string> = {
  onedrive: 'OneDrive', gdrive: 'Google Drive', dropbox: 'Dropbox', sftp: 'SFTP server', webdav: 'WebDAV folder', local: 'folder', email: 'mailbox',
};

/** What an e-mail channel does with a message whose sender is not on its allow-list. */
export const SENDER_POLICIES = ['refuse', 'hold', 'accept'] as const;
export type SenderPolicy = (typeof SENDER_POLICIES)[number];

/** What happens to a message in the mailbox once it is collected (IMAP): nothing unless asked. */
export type ProcessedAction = { action: 'none' } | { action: 'move'; folder: string } | { action: 'flag'; flag: string };

/**
 * An e-mail channel's choices. `allowList` holds addresses (ap@supplier.example) and domains
 * (supplier.example, which also covers its subdomains); an empty list means every sender is
 * "other", so `others` decides alone.
 */
export interface MailOptions {
  allowList: string[];
  others: SenderPolicy;
  processed: ProcessedAction;
  /** The largest attachment taken, in bytes; a larger one is recorded as too large and not stored. */
  maxAttachmentBytes: number;
  /** A message with no document attached becomes a PDF of its body (text only); off unless asked. */
  bodyToPdf: boolean;
}

export const DEFAULT_MAIL_OPTIONS: MailOptions = { allowList: [], others: 'hold', processed: { action: 'none' }, maxAttachmentBytes: 25 * 1024 * 1024, bodyToPdf: false };

/** Options that only some kinds of channel have, kept with the channel. */
export interface ChannelOptions { mail?: MailOptions }
