/** The backup integrations the app offers, in the order of the cards; OAuth ones sign in at their provider. */
export const BACKUP_KINDS = ['onedrive', 'gdrive', 'dropbox', 'sftp', 'webdav', 's3', 'local'] as const;
export type BackupKind = (typeof BACKUP_KINDS)[number];
export const OAUTH_KINDS: ReadonlySet<string> = new Set(['onedrive', 'gdrive', 'dropbox']);
export const isBackupKind = (k: string | null): k is BackupKind => !!k && (BACKUP_KINDS as readonly string[]).includes(k);
/** The sources a collection card is shown for; a local folder is set up on the server, not offered as an integration. */
export const COLLECTION_KINDS = ['onedrive', 'gdrive', 'dropbox', 'sftp', 'webdav'] as const;
export type CollectionKind = (typeof COLLECTION_KINDS)[number];
