/** Collection channels: where a client's documents are collected from, and how it stands. */
export const CHANNEL_KINDS = ['onedrive', 'gdrive', 'dropbox', 'sftp', 'webdav', 'local'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** Kinds the client connects through the provider's consent page; the others take server details. */
export const OAUTH_CHANNEL_KINDS: readonly ChannelKind[] = ['onedrive', 'gdrive', 'dropbox'];

export const CHANNEL_STATES = ['waiting_for_client', 'active', 'paused', 'needs_attention'] as const;
export type ChannelState = (typeof CHANNEL_STATES)[number];

/** Where collected files go when a channel moves them out of the way (off by default). */
export const COLLECTED_FOLDER = 'Collected';

export const INBOX_STATUSES = ['to_review', 'done'] as const;
export type InboxStatus = (typeof INBOX_STATUSES)[number];

/** How a channel kind is named to a client. */
export const CHANNEL_TITLES: Record<ChannelKind, string> = {
  onedrive: 'OneDrive', gdrive: 'Google Drive', dropbox: 'Dropbox', sftp: 'SFTP server', webdav: 'WebDAV folder', local: 'folder',
};
