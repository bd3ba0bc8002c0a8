import { ConnectorError, isConnectorError, splitPath } from '../connector.js';
import { throwIfAborted } from '../kit/abort.js';
import { PathIdCache } from '../kit/path-cache.js';
import { qLiteral, type DriveClient } from './client.js';
import { byAge, FILE_FIELDS, FOLDER_MIME, isFolder, type DriveFile, type FileList } from './items.js';

const NAMED_PAGE = 100;

/**
 * Path -> id for Drive, where names are not unique (docs/providers/google-drive.md, "Names are not
 * unique") and nothing stops two clients from creating the same folder at once. The rule that keeps
 * one folder per path: of same-named folders, everyone uses the oldest (createdTime, then id). A
 * client that creates a folder lists the name again right after; if its own is not the oldest, it
 * trashes its own (still empty) and uses the oldest. An older folder always existed before the
 * newer one's creator listed, so every client converges on the same id. Full paths include the root
 * folder.
 */
export class DriveFolders {
  private readonly cache = new PathIdCache(false);
  /**
   * Folders this connection created (and kept: no older twin), with the files it has written
   * into each since, name -> id. What is in such a folder is known without asking Drive, which
   * spares a backfill the name lookup before each upload (half its requests under the pacer).
   * Anything but a successful write there (a failure, a removal, a move) drops the folder from
   * here, and lookups take over again. What this cannot see: another client that finds the new
   * folder and writes the same name into it during this connection (docs/providers/google-drive.md).
   */
  private readonly fresh = new Map<string, Map<string, string>>();

  constructor(private readonly client: DriveClient, private readonly baseId: string) {}

  /** Children of `parentId` named exactly `name` (Drive matches case-insensitively), not trashed, oldest first. */
  async named(parentId: string, name: string, what: 'folder' | 'any', path: string, signal?: AbortSignal): Promise<DriveFile[]> {
    let q = `${qLiteral(parentId)} in parents and name = ${qLiteral(name)} and trashed = false`;
    if (what === 'folder') q += ` and mimeType = '${FOLDER_MIME}'`;
    const out: DriveFile[] = [];
    for await (const page of this.pages(q, NAMED_PAGE, path, signal)) out.push(...page.files.filter((f) => f.name === name));
    return out.sort(byAge);
  }

  /** Every page of a files.list query, oldest first. */
  async *pages(q: string, pageSize: number, path: string, signal?: AbortSignal): AsyncGenerator<FileList> {
    let token: string | undefined;
    do {
      throwIfAborted(signal);
      const page = await this.listPage(q, pageSize, token, path, signal);
      yield page;
      token = page.nextPageToken;
    } while (token);
  }

  listPage(q: string, pageSize: number, pageToken: string | undefined, path: string, signal?: AbortSignal): Promise<FileList> {
    const params = new URLSearchParams({ q, pageSize: String(pageSize), orderBy: 'createdTime', fields: `nextPageToken,files(${FILE_FIELDS})` });
    if (pageToken) params.set('pageToken', pageToken);
    return this.client.json<FileList>('GET', `/drive/v3/files?${params}`, { path, signal, expect: [200] });
  }

  /** The id of an existing folder; not_found when a level is missing. */
  async resolve(full: string, signal?: AbortSignal): Promise<string> {
    if (full === '') return this.baseId;
    const known = this.cache.get(full);
    if (known) return known;
    const [dir, name] = splitPath(full);
    const parentId = await this.resolve(dir, signal);
    const found = (await this.named(parentId, name, 'folder', full, signal))[0];
    if (!found) throw new ConnectorError('not_found', `${full} does not exist on Google Drive`);
    this.cache.set(full, found.id);
    return found.id;
  }

  /** Creates `full` and every missing folder above it; returns its id. */
  ensure(full: string, signal?: AbortSignal): Promise<string> {
    return this.cache.ensure(full, this.baseId, (parentId, name, level) => this.make(parentId, name, level, signal), signal);
  }

  private async make(parentId: string, name: string, level: string, signal?: AbortSignal): Promise<string> {
    const existing = (await this.named(parentId, name, 'folder', level, signal))[0];
    if (existing) return existing.id;
    let mine: DriveFile;
    try {
      mine = await this.client.json<DriveFile>('POST', `/drive/v3/files?fields=${FILE_FIELDS}`, {
        path: level, signal, expect: [200], json: { name, mimeType: FOLDER_MIME, parents: [parentId] },
      });
    } catch (e) {
      if (!isConnectorError(e, 'not_found')) throw e;
      this.cache.forget(splitPath(level)[0]);
      throw new ConnectorError('transient', `A folder above ${level} disappeared; try again`, undefined, { cause: e });
    }
    const all = await this.named(parentId, name, 'folder', level, signal);
    // Listings may lag behind a create; our own folder counts even when not listed yet.
    if (!all.some((f) => f.id === mine.id)) all.push(mine);
    const winner = all.filter(isFolder).sort(byAge)[0]!;
    if (winner.id !== mine.id) await this.trashLoser(mine, level);
    else this.fresh.set(mine.id, new Map());
    return winner.id;
  }

  /** Our duplicate is empty and nobody uses it yet; if trashing fails it stays empty and unused. */
  private async trashLoser(mine: DriveFile, level: string): Promise<void> {
    try {
      await this.client.json('PATCH', `/drive/v3/files/${encodeURIComponent(mine.id)}?fields=id`, { path: level, expect: [200], json: { trashed: true } });
    } catch {
      // Harmless: every client picks the oldest folder, so this one is never written to.
    }
  }

  /** The files this connection wrote into `folderId`, if it created that folder and nothing else happened there. */
  filesInFresh(folderId: string): ReadonlyMap<string, string> | undefined {
    return this.fresh.get(folderId);
  }

  /** A write into a fresh folder succeeded: `name` is now the file `fileId`. */
  wroteInFresh(folderId: string, name: string, fileId: string): void {
    this.fresh.get(folderId)?.set(name, fileId);
  }

  /** Something other than a successful write touched these folders: look their contents up again. */
  spoil(folderIds: Iterable<string>): void {
    for (const id of folderIds) this.fresh.delete(id);
  }

  set(full: string, id: string): void {
    this.cache.set(full, id);
  }

  forget(full: string): void {
    this.cache.forget(full);
  }

  clear(): void {
    this.cache.clear();
    this.fresh.clear();
  }
}
