import { z } from 'zod';
import type { ConnectorDefinition } from '../connector.js';
import { requireTokens } from './client.js';
import { ONEDRIVE_NAMES, OneDriveConnector } from './connector.js';

export const GRAPH_BASE_URL = 'https://graph.microsoft.com/v1.0';

const URL_HINT = 'The Graph address must be an http:// or https:// URL, such as https://graph.microsoft.com/v1.0';

export const onedriveSettings = z.object({
  /** Graph's address; national clouds and the sandbox use another one. */
  baseUrl: z.string().trim().url(URL_HINT).refine((u) => /^https?:\/\//.test(u), URL_HINT).default(GRAPH_BASE_URL),
  /** A specific drive; by default the signed-in user's own (/me/drive). */
  driveId: z.string().min(1).optional(),
  /** "approot": the app's own folder (Apps/Dossier), all that Files.ReadWrite.AppFolder may reach. */
  location: z.enum(['drive', 'approot']).default('drive'),
  /** Folder below that location, as plain names separated by "/"; created on first write. */
  root: z
    .string()
    .refine((r) => !r.split('/').some((s) => s === '.' || s === '..'), 'The folder may not contain "." or ".." parts.')
    .refine((r) => !/["*:<>?\\|\0]/.test(r), 'The folder may not contain any of " * : < > ? \\ |.')
    .default('Dossier'),
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
