import type { ConnectorDefinition } from './connector.js';
import { dropboxDefinition } from './dropbox/index.js';
import { gdriveDefinition } from './gdrive/index.js';
import { localDefinition } from './local/index.js';
import { onedriveDefinition } from './onedrive/index.js';
import { s3Definition } from './s3/index.js';
import { sftpDefinition } from './sftp/index.js';
import { webdavDefinition } from './webdav/index.js';

/**
 * The one list of storage kinds. A new provider is one folder plus one line here. OAuth kinds
 * (onedrive, gdrive, dropbox) get their tokens from the token vault through ConnectorContext.tokens.
 */
export const definitions: ConnectorDefinition[] = [localDefinition, sftpDefinition, webdavDefinition, s3Definition, onedriveDefinition, gdriveDefinition, dropboxDefinition];

export const definitionsByKind = new Map(definitions.map((d) => [d.kind, d]));
