import { z } from 'zod';
import type { ConnectorDefinition } from '../connector.js';
import { folderPath } from '../kit/settings.js';
import { WEBDAV_NAMES, WebdavConnector } from './connector.js';

const URL_HINT = 'Give the WebDAV address as an http:// or https:// URL, such as https://cloud.example.com/remote.php/dav/files/alice/';

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

export const webdavSettings = z.object({
  url: z.string().trim().min(1, URL_HINT).refine(isHttpUrl, URL_HINT),
  username: z.string().min(1, 'Enter the user name.'),
  /** An app password (Nextcloud: Settings, Security, Devices & sessions), not the login password. */
  password: z.string().min(1, 'Enter the app password.'),
  /** Folder below the WebDAV address, as plain names separated by "/"; created on first write. */
  root: folderPath('', /[\0\\]/, 'a backslash or NUL character'),
});

export type WebdavSettings = z.infer<typeof webdavSettings>;

export const webdavDefinition: ConnectorDefinition<WebdavSettings> = {
  kind: 'webdav',
  title: 'WebDAV (Nextcloud, ownCloud, ...)',
  settings: webdavSettings,
  secrets: ['password'],
  names: WEBDAV_NAMES,
  create: async (settings, context) => new WebdavConnector(settings, context),
};
