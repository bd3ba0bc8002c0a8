import { z } from 'zod';
import type { ConnectorDefinition } from '../connector.js';
import { requireTokens } from './client.js';
import { DROPBOX_NAMES, DropboxConnector } from './connector.js';

export const DROPBOX_API_URL = 'https://api.dropboxapi.com/2';
export const DROPBOX_CONTENT_URL = 'https://content.dropboxapi.com/2';

const URL_HINT = 'The Dropbox address must be an http:// or https:// URL, such as https://api.dropboxapi.com/2';
const url = (fallback: string) => z.string().trim().url(URL_HINT).refine((u) => /^https?:\/\//.test(u), URL_HINT).default(fallback);

export const dropboxSettings = z.object({
  /**
   * "app_folder" (the default): Dossier sees only Apps/Dossier, which is all an app-folder app may
   * reach. "full": the whole Dropbox, which a Full Dropbox app is needed for (docs/providers/dropbox.md,
   * "Sign-in and scopes"). The choice is the app's, made when it is registered; the OAuth flow picks the app by it.
   */
  access: z.enum(['app_folder', 'full']).default('app_folder'),
  /** Folder below that root, as plain names separated by "/"; created on first write. */
  root: z
    .string()
    .trim()
    .refine((r) => !r.split('/').some((s) => s === '.' || s === '..'), 'The folder may not contain "." or ".." parts.')
    .refine((r) => !/[\\\u0000-\u001f\u007f]/.test(r), 'The folder may not contain a backslash or control characters.')
    .default(''),
  apiUrl: url(DROPBOX_API_URL),
  contentUrl: url(DROPBOX_CONTENT_URL),
}).refine((s) => s.access !== 'full' || s.root.replace(/\//g, '') !== '', {
  path: ['root'],
  message: 'With full Dropbox access, name a folder for Dossier (such as "Dossier"), so that it does not write at the top of the Dropbox.',
});

export type DropboxSettings = z.infer<typeof dropboxSettings>;

export const dropboxDefinition: ConnectorDefinition<DropboxSettings> = {
  kind: 'dropbox',
  title: 'Dropbox',
  settings: dropboxSettings,
  // The OAuth tokens live in the token vault and arrive through context.tokens, not settings.
  secrets: [],
  names: DROPBOX_NAMES,
  create: async (settings, context) => new DropboxConnector({ ...settings, tokens: requireTokens(context.tokens) }),
};
