import { createHash, randomBytes } from 'node:crypto';
import { badRequest, DriveError, notFound, storageQuotaExceeded } from './errors.js';

export const FOLDER_MIME = 'application/vnd.google-apps.folder';

export interface DriveFile {
  id: string;
  name: string;
  mimeType: string;
  /** Empty only for the root ("My Drive"). */
  parents: string[];
  /** null for folders: they have no bytes, no size and no checksums. */
  content: Buffer | null;
  md5: string; sha1: string; sha256: string;
  createdTime: string;
  modifiedTime: string;
  trashed: boolean;
  explicitlyTrashed: boolean;
  /** Creation order, for stable listing pages. */
  ordinal: number;
  /** Position in the change sequence: the last change of this file, and when it happened. */
  seq: number;
  changedTime: string;
  version: number;
}

export interface NewFile { name: string; mimeType?: string; parents?: string[]; modifiedTime?: string }

const digest = (algorithm: string, b: Buffer) => createHash(algorithm).update(b).digest('hex');
/** Ids in Drive's style: 33 characters of [A-Za-z0-9_-], stable across rename and move. */
const newId = () => '1' + randomBytes(24).toString('base64url').slice(0, 32);

/**
 * One user's My Drive, in memory. Names are not unique (docs/providers/google-drive.md, "Names are
 * not unique"): a second create makes a second file. Every change takes the next number of one
 * sequence, which the change feed reads; permanent deletions leave their number in `removed`.
 */
export class DriveStore {
  readonly files = new Map<string, DriveFile>();
  /** Permanently deleted ids, with the change number and time of their removal. */
  readonly removed = new Map<string, { seq: number; time: string }>();
  readonly rootId: string;
  seq = 0;
  /** Page tokens before this change number are refused, as Drive discards old ones. */
  tokenFloor = 1;
  private ordinal = 0;
  private lastCreated = 0;

  /** `quotaBytes` null: an unlimited account, whose storageQuota has no limit. */
  constructor(readonly owner: string, public quotaBytes: number | null) {
    this.rootId = this.insert({ name: 'My Drive', mimeType: FOLDER_MIME }, null, []).id;
  }

  /**
   * Creation times are strictly increasing, one millisecond apart at least, so that "the oldest
   * of two same-named folders" has one answer for every client, as it has on Drive's own clock.
   */
  private createdNow(): string {
    this.lastCreated = Math.max(Date.now(), this.lastCreated + 1);
    return new Date(this.lastCreated).toISOString();
  }

  private insert(meta: NewFile, content: Buffer | null, parents: string[]): DriveFile {
    const at = this.createdNow();
    const file: DriveFile = {
      id: newId(), name: meta.name, mimeType: meta.mimeType ?? 'application/octet-stream', parents,
      content, md5: '', sha1: '', sha256: '', createdTime: at, modifiedTime: meta.modifiedTime ?? at,
      trashed: false, explicitlyTrashed: false, ordinal: ++this.ordinal, seq: 0, changedTime: at, version: 0,
    };
    if (content) this.setHashes(file, content);
    this.files.set(file.id, file);
    this.touch(file);
    return file;
  }

  private setHashes(file: DriveFile, content: Buffer): void {
    file.md5 = digest('md5', content);
    file.sha1 = digest('sha1', content);
    file.sha256 = digest('sha256', content);
  }

  /** Records a change: a new version and a place in the change feed. */
  touch(file: DriveFile): void {
    file.version++;
    file.seq = ++this.seq;
    file.changedTime = new Date().toISOString();
  }

  isFolder(file: DriveFile): boolean {
    return file.mimeType === FOLDER_MIME;
  }

  /** "root" is Drive's alias of the My Drive folder. */
  get(id: string): DriveFile {
    const file = this.files.get(id === 'root' ? this.rootId : id);
    if (!file) throw notFound(id);
    return file;
  }

  children(parentId: string): DriveFile[] {
    return [...this.files.values()].filter((f) => f.parents.includes(parentId)).sort((a, b) => a.ordinal - b.ordinal);
  }

  /** Bytes of binary files, trash included (as Drive counts it), and of the trash alone. */
  usage(): { usage: number; trash: number } {
    let usage = 0, trash = 0;
    for (const f of this.files.values()) {
      const n = f.content?.length ?? 0;
      usage += n;
      if (f.trashed) trash += n;
    }
    return { usage, trash };
  }

  remaining(): number {
    return this.quotaBytes === null ? Infinity : Math.max(0, this.quotaBytes - this.usage().usage);
  }

  /** Refuses bytes that would not fit: 403 storageQuotaExceeded. */
  reserve(adding: number, freeing = 0): void {
    if (adding - freeing > this.remaining()) throw storageQuotaExceeded();
  }

  private parentFolder(id: string): DriveFile {
    const parent = this.get(id);
    if (!this.isFolder(parent)) throw badRequest(`The parent ${id} is not a folder.`);
    return parent;
  }

  /** files.create: a folder (content null) or a file; the parent defaults to My Drive. */
  create(meta: NewFile, content: Buffer | null): DriveFile {
    const parents = (meta.parents?.length ? meta.parents : ['root']).map((p) => this.parentFolder(p).id);
    if (parents.length > 1) throw new DriveError(403, 'cannotAddParent', 'A file can only have one parent.');
    // Without content and without the folder type, Drive makes an empty binary file.
    const bytes = meta.mimeType === FOLDER_MIME && !content ? null : content ?? Buffer.alloc(0);
    if (bytes) this.reserve(bytes.length);
    return this.insert(meta, bytes, parents);
  }

  /** New content for an existing file: same id, a new revision. */
  replaceContent(file: DriveFile, content: Buffer, modifiedTime?: string): DriveFile {
    if (this.isFolder(file)) throw badRequest('A folder has no content to replace.');
    this.reserve(content.length, file.content?.length ?? 0);
    file.content = content;
    this.setHashes(file, content);
    file.modifiedTime = modifiedTime ?? new Date().toISOString();
    this.touch(file);
    return file;
  }

  /** files.update metadata: rename, move by add/removeParents, trash and untrash, modifiedTime. */
  update(file: DriveFile, patch: { name?: string; trashed?: boolean; modifiedTime?: string; addParents?: string[]; removeParents?: string[] }): DriveFile {
    if (file.id === this.rootId && (patch.name !== undefined || patch.trashed || patch.addParents?.length)) {
      throw new DriveError(403, 'insufficientFilePermissions', 'My Drive cannot be renamed, moved or trashed.');
    }
    if (patch.addParents?.length || patch.removeParents?.length) this.reparent(file, patch.addParents ?? [], patch.removeParents ?? []);
    if (patch.name !== undefined) file.name = patch.name;
    if (patch.modifiedTime) file.modifiedTime = patch.modifiedTime;
    if (patch.trashed !== undefined && patch.trashed !== file.trashed) this.setTrashed(file, patch.trashed, true);
    this.touch(file);
    return file;
  }

  private reparent(file: DriveFile, add: string[], remove: string[]): void {
    const targets = add.map((p) => this.parentFolder(p));
    for (const target of targets) {
      for (let at: DriveFile | undefined = target; at; at = at.parents[0] ? this.files.get(at.parents[0]) : undefined) {
        if (at.id === file.id) throw badRequest('A folder cannot be moved into itself.');
      }
    }
    const parents = [...file.parents.filter((p) => !remove.includes(p)), ...targets.map((t) => t.id).filter((id) => !file.parents.includes(id) || remove.includes(id))];
    const unique = [...new Set(parents)];
    // My Drive items have exactly one parent since 2020; adding a second is refused.
    if (unique.length !== 1) throw new DriveError(403, 'cannotAddParent', 'Increasing the number of parents is not allowed.');
    file.parents = unique;
  }

  /** Trashing a folder trashes what is inside it too (not explicitly: untrashing it restores them). */
  private setTrashed(file: DriveFile, trashed: boolean, explicit: boolean): void {
    file.trashed = trashed;
    file.explicitlyTrashed = trashed && explicit;
    if (!explicit) this.touch(file);
    if (!this.isFolder(file)) return;
    for (const child of this.children(file.id)) if (!child.explicitlyTrashed) this.setTrashed(child, trashed, false);
  }

  /** files.delete: permanent, with everything below a folder. */
  delete(file: DriveFile): void {
    if (file.id === this.rootId) throw new DriveError(403, 'insufficientFilePermissions', 'My Drive cannot be deleted.');
    for (const child of this.children(file.id)) this.delete(child);
    this.files.delete(file.id);
    this.removed.set(file.id, { seq: ++this.seq, time: new Date().toISOString() });
  }

  /** The full File resource; `fields` picks from it. int64 values are strings (docs/providers/google-drive.md, "Listing and queries"). */
  toJson(file: DriveFile): Record<string, unknown> {
    const out: Record<string, unknown> = {
      kind: 'drive#file', id: file.id, name: file.name, mimeType: file.mimeType, parents: [...file.parents],
      trashed: file.trashed, explicitlyTrashed: file.explicitlyTrashed, createdTime: file.createdTime,
      modifiedTime: file.modifiedTime, version: String(file.version), ownedByMe: true,
    };
    if (file.id === this.rootId) delete out.parents;
    if (file.content) {
      Object.assign(out, {
        size: String(file.content.length), md5Checksum: file.md5, sha1Checksum: file.sha1, sha256Checksum: file.sha256,
        headRevisionId: `0B${file.id.slice(1, 12)}${file.version}`,
      });
    }
    return out;
  }
}
