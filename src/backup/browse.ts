import { DomainError } from '../domain/errors.js';
import { AddressRefused, isConnectorError, type ConnectorDefinition, type StorageConnector } from '../connectors/connector.js';

/** The kinds whose folders the wizard can browse with typed-in server details. */
export const BROWSABLE_KINDS: ReadonlySet<string> = new Set(['sftp', 'webdav']);

export interface ServerFolder { name: string; path: string }

/** At most this many folders in one answer: a folder picker, not a listing of the server. */
const MAX_FOLDERS = 500;

/**
 * Opens a server's connector for browsing below the root that was typed (empty: the login
 * folder, or the address), so the user walks down from where they started and the chosen
 * folder becomes the root. Only a host key the user already confirmed is accepted, and the
 * connector's own address rules apply as for a backup (a private address needs the operator's
 * permission).
 */
async function openForBrowsing(def: ConnectorDefinition, parsed: Record<string, unknown>): Promise<StorageConnector> {
  if (!BROWSABLE_KINDS.has(def.kind)) throw new DomainError('invalid_input', `The folders of ${def.title} cannot be browsed here: type the folder instead.`, { reason: 'not_browsable', params: { name: def.title } });
  if (def.kind === 'sftp' && typeof parsed.hostKeySha256 !== 'string') {
    throw new DomainError('invalid_input', 'Test the connection and confirm the server\'s host key before browsing its folders.', { reason: 'host_key_unconfirmed' });
  }
  return def.create(parsed, {
    pinHostKey: async () => { throw new DomainError('invalid_input', 'The server\'s host key is not the one you confirmed: test the connection again.', { reason: 'host_key_changed' }); },
  });
}

/** The user typed the address: a refused one is said as their mistake, in their language, not as the server's failure. */
async function saidToUser<T>(parsed: Record<string, unknown>, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof AddressRefused || (isConnectorError(e, 'permission_denied') && (e as Error).cause instanceof AddressRefused)) {
      throw new DomainError('invalid_input', (e as Error).message, { reason: 'address_refused', params: { host: hostOf(parsed) } });
    }
    throw e;
  }
}

const hostOf = (parsed: Record<string, unknown>) => {
  if (typeof parsed.host === 'string') return parsed.host;
  try { return new URL(String(parsed.url)).hostname; } catch { return String(parsed.url ?? ''); }
};

const checked = (path: string) => {
  if (path !== '' && path.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    throw new DomainError('invalid_input', 'Write the folder as names separated by "/", such as backup/dossier.', { reason: 'folder_path_invalid', params: { example: 'backup/dossier' } });
  }
  return path;
};

/** The folders in `path` (names below the root setting, "" for it), sorted by name. */
export async function listServerFolders(def: ConnectorDefinition, parsed: Record<string, unknown>, path: string): Promise<{ path: string; folders: ServerFolder[] }> {
  return saidToUser(parsed, () => listFolders(def, parsed, path));
}

async function listFolders(def: ConnectorDefinition, parsed: Record<string, unknown>, path: string): Promise<{ path: string; folders: ServerFolder[] }> {
  const c = await openForBrowsing(def, parsed);
  try {
    const folders: ServerFolder[] = [];
    try {
      for await (const e of c.list(checked(path))) {
        if (!e.isDir || e.name.startsWith('.')) continue;
        folders.push({ name: e.name, path: path ? `${path}/${e.name}` : e.name });
        if (folders.length === MAX_FOLDERS) break;
      }
    } catch (e) {
      if (!isConnectorError(e, 'not_found')) throw e;
    }
    return { path, folders: folders.sort((a, b) => a.name.localeCompare(b.name)) };
  } finally {
    await c.close().catch(() => undefined);
  }
}

/** Makes `name` in `parent`: one name, no slash (a slash would quietly make two folders). */
export async function makeServerFolder(def: ConnectorDefinition, parsed: Record<string, unknown>, parent: string, name: string): Promise<ServerFolder> {
  const trimmed = name.trim();
  if (/[/\\]/.test(trimmed)) throw new DomainError('invalid_input', 'A folder name cannot contain a slash: make one folder at a time.', { reason: 'folder_name_slash' });
  if (!trimmed || trimmed === '.' || trimmed === '..') throw new DomainError('invalid_input', 'Name the new folder.', { reason: 'folder_name_missing' });
  const path = checked(parent) ? `${parent}/${trimmed}` : trimmed;
  return saidToUser(parsed, async () => {
    const c = await openForBrowsing(def, parsed);
    try {
      await c.mkdir(path);
      return { name: trimmed, path };
    } finally {
      await c.close().catch(() => undefined);
    }
  });
}
