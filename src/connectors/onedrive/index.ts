import { z } from 'zod';
import type { ConnectorDefinition } from '../connector.js';
import { apiAddress, folderPath } from '../kit/settings.js';
import { requireTokens } from './client.js';
import { ONEDRIVE_NAMES, OneDriveConnector } from './connector.js';

export const GRAPH_BASE_URL = 'https://graph.microsoft.com/v1.0';

export const onedriveSettings = z.object({
  /** Graph's address; national clouds and the sandbox use another one. */
  baseUrl: apiAddress('Graph address', GRAPH_BASE_URL),
  /** A specific drive; by default the signed-in user's own (/me/drive). */
  driveId: z.string().min(1).optional(),
  /** "approot": the app's own folder (Apps/Dossier), all that Files.ReadWrite.AppFolder may reach. */
  location: z.enum(['drive', 'approot']).default('drive'),
  /** Folder below that location, as plain names separated by "/"; created on first write. */
  root: folderPath('Dossier', /["*:<>?\\|\0]/, 'any of " * : < > ? \\ |'),
});

export type OnedriveSettings = z.infer<typeof onedriveSettings>;

export const onedriveDefinition: ConnectorDefinition<OnedriveSettings> = {
  kind: 'onedrive',
  title: 'Microsoft OneDrive',
  settings: onedriveSettings,
  // The OAuth tokens live in the token vault and arrive through context.tokens, not settings.
  secrets: [],
  names: ONEDRIVE_NAMES,
  create: async (settings, context) => new OneDriveConnector({ ...settings, tokens: requireTokens(context.tokens) }),
};
