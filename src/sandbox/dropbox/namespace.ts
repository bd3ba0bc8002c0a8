import { randomBytes } from 'node:crypto';
import { contentHash } from './content-hash.js';
import { conflict, insufficientSpace, lookupError, NamespaceError, u, writeError } from './errors.js';
import { autorenamed, checkName, conflictedCopy, nameKey } from './names.js';

export interface Node {
  id: string;
  /** As the client wrote it; lookups go through nameKey. */
  name: string;
  folder: boolean;
  parent: Node | null;
  children: Map<string, Node>;
  content: Buffer;
  contentHash: string;
  rev: string;
  clientModified: string;
  serverModified: string;
  /** Position in the change sequence that cursors read. */
  seq: number;
}

/** A path that was deleted (or moved away), as list_folder/continue reports it: no id. */
export interface Tombstone { seq: number; name: string; pathLower: string; pathDisplay: string }

export type WriteMode = { tag: 'add' } | { tag: 'overwrite' } | { tag: 'update'; rev: string };

export interface Commit {
  mode: WriteMode;
  autorename: boolean;
  clientModified?: string;
  strictConflict: boolean;
  /** Set by the quotaFull fault: the account counts as full for this request. */
  full?: boolean;
}

const seconds = (d = new Date()) => d.toISOString().replace(/\.\d+Z$/, 'Z');
const newId = () => `id:${randomBytes(16).toString('base64url').slice(0, 22)}`;

/**
 * One user's Dropbox in memory. Paths handed in are segments below `base`, the root the caller
 * sees: the whole Dropbox, or the app folder Apps/{app} for app-folder apps.
 */
export class Namespace {
  readonly root: Node;
  readonly tombstones: Tombstone[] = [];
  readonly byId = new Map<string, Node>();
  seq = 0;
  /** Cursors carry it; bumping it makes every older cursor answer `reset`. */
  epoch = 1;
  used = 0;

  constructor(readonly owner: string, public quotaBytes: number) {
    this.root = this.node('', true, null);
  }

  private node(name: string, folder: boolean, parent: Node | null, content: Buffer = Buffer.alloc(0), clientModified?: string): Node {
    const at = seconds();
    const n: Node = {
      id: newId(), name, folder, parent, children: new Map(), content, contentHash: folder ? '' : contentHash(content),
      rev: '', clientModified: clientModified ?? at, serverModified: at, seq: 0,
    };
    this.touch(n);
    if (parent) parent.children.set(nameKey(name), n);
    if (!folder) this.used += content.length;
    this.byId.set(n.id, n);
    return n;
  }

  /** A change: the node (and, for folders, everything below) gets new places in the sequence. */
  private touch(n: Node, deep = false): void {
    n.seq = ++this.seq;
    if (!n.folder) n.rev = `${n.seq.toString(16).padStart(9, '0')}${randomBytes(3).toString('hex')}`;
    if (deep) for (const c of n.children.values()) this.touch(c, true);
  }

  /** The folder Apps/{app}, made on first use, as Dropbox does when an app-folder app connects. */
  appFolder(app: string): Node {
    const apps = this.root.children.get('apps') ?? this.node('Apps', true, this.root);
    return apps.children.get(nameKey(app)) ?? this.node(app, true, apps);
  }

  /** Walks `segments` below `base`; missing or below a file: not_found. */
  find(base: Node, segments: string[]): Node {
    let at = base;
    for (const s of segments) {
      checkName(s, 'lookup');
      const next = at.folder ? at.children.get(nameKey(s)) : undefined;
      if (!next) throw lookupError('not_found');
      at = next;
    }
    return at;
  }

  /** Ids only reach what lies below `base`: an app folder cannot see the rest of the Dropbox. */
  findId(base: Node, id: string): Node {
    const n = this.byId.get(id);
    if (!n || !this.isBelow(n, base)) throw lookupError('not_found');
    return n;
  }

  isBelow(n: Node, base: Node): boolean {
    for (let at: Node | null = n; at; at = at.parent) if (at === base) return true;
    return false;
  }

  /** The folder `segments` names, creating missing ones; a file on the way is a file_ancestor conflict. */
  private folderChain(base: Node, segments: string[]): Node {
    let at = base;
    for (const s of segments) {
      checkName(s, 'write');
      const next = at.children.get(nameKey(s));
      if (next && !next.folder) throw conflict('file_ancestor');
      at = next ?? this.node(s, true, at);
    }
    return at;
  }

  /** Display path of `n` as seen from `base`: "/Invoices/2024/a.pdf". */
  pathOf(n: Node, base: Node): string {
    const names: string[] = [];
    for (let at: Node | null = n; at && at !== base; at = at.parent) names.unshift(at.name);
    return names.length ? `/${names.join('/')}` : '';
  }

  createFolder(base: Node, segments: string[], autorename: boolean): Node {
    if (segments.length === 0) throw conflict('folder');
    const parent = this.folderChain(base, segments.slice(0, -1));
    const name = segments.at(-1)!;
    checkName(name, 'write');
    const existing = parent.children.get(nameKey(name));
    if (!existing) return this.node(name, true, parent);
    if (!autorename) throw conflict(existing.folder ? 'folder' : 'file');
    return this.node(this.freeName(parent, name, autorenamed), true, parent);
  }

  private freeName(parent: Node, name: string, rename: (name: string, n: number) => string): string {
    for (let n = 2; ; n++) if (!parent.children.has(nameKey(rename(name, n)))) return rename(name, n);
  }

  /**
   * Stores a file by WriteMode (docs/providers/dropbox.md, "Uploads"): add never replaces, overwrite always
   * does, update only over the named rev; a folder there is always a conflict; the same bytes
   * already there are no write at all unless strict_conflict asks for the conflict.
   */
  commit(base: Node, segments: string[], content: Buffer, c: Commit): Node {
    if (segments.length === 0) throw writeError(u('malformed_path'));
    const name = segments.at(-1)!;
    checkName(name, 'write');
    const parent = this.folderChain(base, segments.slice(0, -1));
    const existing = parent.children.get(nameKey(name));
    const remaining = c.full ? 0 : this.quotaBytes - this.used;
    if (existing?.folder) {
      if (!c.autorename) throw conflict('folder');
      return this.create(parent, this.freeName(parent, name, autorenamed), content, remaining, c);
    }
    if (!existing) return this.create(parent, name, content, remaining, c);
    const hash = contentHash(content);
    if (hash === existing.contentHash && !c.strictConflict) return existing;
    const replaces = c.mode.tag === 'overwrite' || (c.mode.tag === 'update' && c.mode.rev === existing.rev);
    if (!replaces) {
      if (!c.autorename) throw conflict('file');
      const rename = c.mode.tag === 'update' ? (n: string) => conflictedCopy(n) : autorenamed;
      return this.create(parent, this.freeName(parent, name, rename), content, remaining, c);
    }
    if (content.length - existing.content.length > remaining) throw insufficientSpace();
    this.used += content.length - existing.content.length;
    existing.content = content;
    existing.contentHash = hash;
    existing.clientModified = c.clientModified ?? seconds();
    existing.serverModified = seconds();
    this.touch(existing);
    return existing;
  }

  private create(parent: Node, name: string, content: Buffer, remaining: number, c: Commit): Node {
    if (content.length > remaining) throw insufficientSpace();
    return this.node(name, false, parent, content, c.clientModified);
  }

  /** Leaves a `deleted` entry at the node's current path for cursors to report. */
  private bury(n: Node): void {
    this.tombstones.push({ seq: ++this.seq, name: n.name, pathLower: nameKey(this.pathOf(n, this.root)), pathDisplay: this.pathOf(n, this.root) });
  }

  private unlink(n: Node): void {
    n.parent!.children.delete(nameKey(n.name));
  }

  remove(n: Node): void {
    if (!n.parent) throw writeError(u('disallowed_name'));
    this.bury(n);
    this.unlink(n);
    const drop = (x: Node) => {
      this.byId.delete(x.id);
      if (!x.folder) this.used -= x.content.length;
      for (const c of x.children.values()) drop(c);
    };
    drop(n);
  }

  /** move_v2: the id stays; cursors see `deleted` at the old path and the item at the new one. */
  move(base: Node, n: Node, to: string[], autorename: boolean): Node {
    if (to.length === 0) throw writeError(u('malformed_path'));
    const parent = this.folderChain(base, to.slice(0, -1));
    if (this.isBelow(parent, n)) throw new NamespaceError('write', u('cant_move_folder_into_itself'));
    let name = to.at(-1)!;
    checkName(name, 'write');
    if (parent === n.parent && nameKey(name) === nameKey(n.name)) {
      // A case-only rename: cursors do not report it (docs/providers/dropbox.md, "Listing and metadata").
      n.name = name;
      return n;
    }
    const existing = parent.children.get(nameKey(name));
    if (existing && existing !== n) {
      if (!autorename) throw conflict(existing.folder ? 'folder' : 'file');
      name = this.freeName(parent, name, autorenamed);
    }
    this.bury(n);
    this.unlink(n);
    n.name = name;
    n.parent = parent;
    parent.children.set(nameKey(name), n);
    this.touch(n, true);
    return n;
  }

  /** Files and folders below `folder` (direct children unless recursive), in change order after `seq`. */
  changedSince(folder: Node, recursive: boolean, seq: number): Node[] {
    const out: Node[] = [];
    const walk = (at: Node) => {
      for (const c of at.children.values()) {
        if (c.seq > seq) out.push(c);
        if (recursive && c.folder) walk(c);
      }
    };
    walk(folder);
    return out.sort((a, b) => a.seq - b.seq);
  }

  /** Tombstones below `folder` after `seq`, by path, since the folder the node hung from may be gone too. */
  buriedSince(folder: Node, recursive: boolean, seq: number): Tombstone[] {
    const prefix = nameKey(this.pathOf(folder, this.root));
    return this.tombstones.filter((t) => {
      if (t.seq <= seq || !t.pathLower.startsWith(`${prefix}/`)) return false;
      return recursive || !t.pathLower.slice(prefix.length + 1).includes('/');
    });
  }

  /** FileMetadata / FolderMetadata JSON as seen from `base`. */
  metadata(n: Node, base: Node): Record<string, unknown> {
    const display = this.pathOf(n, base);
    const common = { name: n.name, id: n.id, path_lower: nameKey(display), path_display: display };
    if (n.folder) return { '.tag': 'folder', ...common };
    return {
      '.tag': 'file', ...common, client_modified: n.clientModified, server_modified: n.serverModified, rev: n.rev,
      size: n.content.length, content_hash: n.contentHash, is_downloadable: true,
    };
  }

  /** DeletedMetadata JSON as seen from `base`; null when the path lies outside it. */
  deletedMetadata(t: Tombstone, base: Node): Record<string, unknown> | null {
    const prefix = this.pathOf(base, this.root);
    if (!t.pathLower.startsWith(`${nameKey(prefix)}/`)) return null;
    const display = t.pathDisplay.slice(prefix.length);
    return { '.tag': 'deleted', name: t.name, path_lower: nameKey(display), path_display: display };
  }
}
