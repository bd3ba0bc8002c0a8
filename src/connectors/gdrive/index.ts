import { z } from 'zod';
import type { ConnectorDefinition } from '../connector.js';
import { apiAddress, folderPath } from '../kit/settings.js';
import { requireTokens } from './client.js';
import { GDRIVE_NAMES, GoogleDriveConnector } from './connector.js';

export const GOOGLE_API_ORIGIN = 'https://www.googleapis.com';

/**
 * OAuth scope for backups: https://www.googleapis.com/auth/drive.file
 * (docs/providers/google-drive.md, "Sign-in and scopes"). It is non-sensitive (no Google security
 * assessment), and it is all a backup needs: the app sees only the files and folders it created
 * itself (or that the user picked for it in Google Picker), and those are visible to the user in
 * the Drive UI. The consequences for this connector: the root folder is created by Dossier; it
 * never lists or reads anything else of the user's Drive; a folder made by hand with the same name
 * is invisible to it, so Dossier makes its own. Browsing or collecting from existing folders would
 * need drive.readonly, a restricted scope.
 */
export const GDRIVE_BACKUP_SCOPE = 'https://www.googleapis.com/auth/drive.file';

export const gdriveSettings = z.object({
  /** Google's API origin; the sandbox uses another one. */
  baseUrl: apiAddress('Google API address', GOOGLE_API_ORIGIN),
  /** A folder the user picked in Google Picker (drive.file then reaches it); by default My Drive. */
  folderId: z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, 'A Drive folder id has only letters, digits, "-" and "_".').optional(),
  /** Folder below that, as plain names separated by "/"; created on first write. */
  root: folderPath('Dossier', /\0/, 'a NUL character'),
});

export type GdriveSettings = z.infer<typeof gdriveSettings>;

export const gdriveDefinition: ConnectorDefinition<GdriveSettings> = {
  kind: 'gdrive',
  title: 'Google Drive',
  settings: gdriveSettings,
  // The OAuth tokens (scope drive.file) live in the token vault and arrive through context.tokens, not settings.
  secrets: [],
  names: GDRIVE_NAMES,
  create: async (settings, context) => new GoogleDriveConnector({ ...settings, tokens: requireTokens(context.tokens) }),
};
