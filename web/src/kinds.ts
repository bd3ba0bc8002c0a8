/** The backup integrations the app offers, in the order of the cards; OAuth ones sign in at their provider. */
export const BACKUP_KINDS = ['onedrive', 'gdrive', 'dropbox', 'sftp', 'webdav', 'local'] as const;
export type BackupKind = (typeof BACKUP_KINDS)[number];
export const OAUTH_KINDS: ReadonlySet<string> = new Set(['onedrive', 'gdrive', 'dropbox']);
export const isBackupKind = (k: string | null): k is BackupKind => !!k && (BACKUP_KINDS as readonly string[]).includes(k);
