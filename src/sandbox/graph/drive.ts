import { randomBytes } from 'node:crypto';
import { GraphError, invalidRequest, nameExists, notFound, quotaReached } from './errors.js';
import { checkName, MAX_PATH, nameKey, renamed } from './names.js';
import { quickXor } from './quickxor.js';

export type DriveType = 'business' | 'personal';
export type ConflictBehavior = 'fail' | 'replace' | 'rename';

export interface Item {
  id: string;
  name: string;
  /** null only for the drive's root. */
  parentId: string | null;
  folder: boolean;
  /** Folders: children by case-folded name. */
  children: Map<string, string>;
  content: Buffer;
  quickXorHash: string;
  createdAt: string;
  modifiedAt: string;
  /** fileSystemInfo: what the client says, else the server's own times. */
  fsCreatedAt: string;
  fsModifiedAt: string;
  version: number;
  contentVersion: number;
  /** Position in the drive's change sequence, for delta. */
  seq: number;
  special?: 'approot';
}

/** A deleted item (or one that moved away) as delta reports it later. */
export interface Tombstone {
  id: string; name: string; parentId: string; folder: boolean; seq: number; size: number;
  /** Ids from the root down to the parent at deletion time, so folder delta can still place it. */
  ancestors: string[];
}

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
/** Ids in the style of OneDrive for Business: opaque, upper-case, stable across rename and move. */
export const newId = () => '01' + randomBytes(20).toString('base64').replace(/[^A-Za-z0-9]/g, '').toUpperCase().slice(0, 24).padEnd(24, 'Q');

const MIME: Record<string, string> = { pdf: 'application/pdf', xml: 'application/xml', txt: 'text/plain', png: 'image/png', jpg: 'image/jpeg' };
const mimeOf = (name: string) => MIME[name.slice(name.lastIndexOf('.') + 1).toLowerCase()] ?? 'application/octet-stream';

/** One user's drive, in memory: items, quota and the change sequence that delta reads. */
export class Drive {
  readonly items = new Map<string, Item>();
  readonly tombstones = new Map<string, Tombstone>();
  /** Where items were before their last move, so a folder's delta can report them gone from it. */
  readonly departures = new Map<string, Tombstone>();
  readonly rootId: string;
  seq = 0;
  /** Delta tokens carry this; changing it makes every older token answer 410. */
  epoch = 1;
  /** Bytes of every file, kept as files come and go: summing the tree on each upload costs O(files). */
  private usedBytes = 0;

  constructor(readonly id: string, readonly type: DriveType, readonly owner: string, public quotaTotal: number) {
    this.rootId = this.insert({ name: 'root', parentId: null, folder: true }).id;
  }

  get business(): boolean {
    return this.type === 'business';
  }

  private insert(p: { name: string; parentId: string | null; folder: boolean; content?: Buffer; fsModifiedAt?: string; id?: string }): Item {
    const at = now();
    const content = p.content ?? Buffer.alloc(0);
    const item: Item = {
      id: p.id ?? newId(), name: p.name, parentId: p.parentId, folder: p.folder, children: new Map(), content,
      quickXorHash: p.folder ? '' : quickXor(content), createdAt: at, modifiedAt: at, fsCreatedAt: at,
      fsModifiedAt: p.fsModifiedAt ?? at, version: 1, contentVersion: 1, seq: ++this.seq,
    };
    this.items.set(item.id, item);
    this.usedBytes += content.length;
    if (p.parentId) {
      const parent = this.items.get(p.parentId)!;
      parent.children.set(nameKey(p.name), item.id);
      this.touch(parent);
    }
    return item;
  }

  /** Records a change: new eTag, and a place in the delta sequence. */
  touch(item: Item): void {
    item.version++;
    item.seq = ++this.seq;
    item.modifiedAt = now();
  }

  get(id: string): Item {
    const item = this.items.get(id);
    if (!item) throw notFound();
    return item;
  }

  child(parent: Item, name: string): Item | undefined {
    const id = parent.children.get(nameKey(name));
    return id ? this.items.get(id) : undefined;
  }

  /** Walks decoded path segments down from an item. */
  resolve(base: Item, segments: string[]): Item {
    let item = base;
    for (const s of segments) {
      const next = item.folder ? this.child(item, s) : undefined;
      if (!next) throw notFound();
      item = next;
    }
    return item;
  }

  /** "/drive/root:/a/b": the form parentReference.path takes outside delta. */
  pathOf(item: Item): string {
    const names: string[] = [];
    for (let at: Item | undefined = item; at && at.parentId; at = this.items.get(at.parentId)) names.unshift(at.name);
    return `/drives/${this.id}/root:${names.length ? '/' + names.join('/') : ''}`;
  }

  /** Ids from the root down to `item`, itself included. */
  ancestorsOf(item: Item): string[] {
    const ids: string[] = [];
    for (let at: Item | undefined = item; at; at = at.parentId ? this.items.get(at.parentId) : undefined) ids.unshift(at.id);
    return ids;
  }

  size(item: Item): number {
    if (!item.folder) return item.content.length;
    let total = 0;
    for (const id of item.children.values()) total += this.size(this.items.get(id)!);
    return total;
  }

  used(): number {
    return this.usedBytes;
  }

  remaining(): number {
    return Math.max(0, this.quotaTotal - this.used());
  }

  quota() {
    const used = this.used(), remaining = this.remaining(), total = this.quotaTotal;
    const state = remaining <= 0 ? 'exceeded' : remaining < total * 0.01 ? 'critical' : remaining < total * 0.1 ? 'nearing' : 'normal';
    return { total, used, remaining, deleted: 0, state };
  }

  /**
   * Where a new item named `name` goes in `parent`, given the conflict behaviour: its final name
   * and the existing item it replaces, if any. A file never replaces a folder or the reverse.
   */
  private place(parent: Item, name: string, behavior: ConflictBehavior, folder: boolean): { name: string; existing?: Item } {
    if (!parent.folder) throw invalidRequest('The parent item is not a folder.');
    checkName(name, this.business);
    if (`${this.pathOf(parent)}/${name}`.length - `/drives/${this.id}/root:`.length >= MAX_PATH) {
      throw invalidRequest('The path is too long.', 'pathIsTooLong');
    }
    const existing = this.child(parent, name);
    if (!existing) return { name };
    if (behavior === 'fail' || existing.folder !== folder) throw nameExists(name);
    if (behavior === 'rename') {
      let n = 1;
      while (this.child(parent, renamed(name, n))) n++;
      return { name: renamed(name, n) };
    }
    return { name, existing };
  }

  createFolder(parent: Item, name: string, behavior: ConflictBehavior): Item {
    const spot = this.place(parent, name, behavior, true);
    if (spot.existing) this.remove(spot.existing);
    return this.insert({ name: spot.name, parentId: parent.id, folder: true });
  }

  /** Stores a whole file; a replaced file keeps its id and name, as on OneDrive. */
  putFile(parent: Item, name: string, content: Buffer, behavior: ConflictBehavior, fsModifiedAt?: string): { item: Item; created: boolean } {
    const spot = this.place(parent, name, behavior, false);
    const freed = spot.existing ? spot.existing.content.length : 0;
    if (content.length - freed > this.remaining()) throw quotaReached();
    if (!spot.existing) return { item: this.insert({ name: spot.name, parentId: parent.id, folder: false, content, fsModifiedAt }), created: true };
    const item = spot.existing;
    this.usedBytes += content.length - item.content.length;
    item.content = content;
    item.quickXorHash = quickXor(content);
    item.contentVersion++;
    this.touch(item);
    item.fsModifiedAt = fsModifiedAt ?? item.modifiedAt;
    this.touch(this.get(item.parentId!));
    return { item, created: false };
  }

  /** PATCH of parentReference and/or name. */
  move(item: Item, parent: Item, name: string, behavior: ConflictBehavior): Item {
    if (!item.parentId) throw invalidRequest('The root cannot be moved.');
    for (let at: Item | undefined = parent; at; at = at.parentId ? this.items.get(at.parentId) : undefined) {
      if (at.id === item.id) throw invalidRequest('A folder cannot be moved into itself.');
    }
    const sameSpot = parent.id === item.parentId && nameKey(name) === nameKey(item.name);
    const spot = sameSpot ? { name } : this.place(parent, name, behavior, item.folder);
    if (spot.existing) this.remove(spot.existing);
    const old = this.get(item.parentId);
    if (old.id !== parent.id) this.depart(item, this.ancestorsOf(old));
    old.children.delete(nameKey(item.name));
    this.touch(old);
    item.name = spot.name;
    item.parentId = parent.id;
    parent.children.set(nameKey(item.name), item.id);
    this.touch(parent);
    this.touch(item);
    return item;
  }

  /** Deletes an item and everything below it, leaving tombstones for delta. */
  remove(item: Item): void {
    if (!item.parentId) throw new GraphError(403, 'accessDenied', 'The root cannot be deleted.');
    const parent = this.get(item.parentId);
    parent.children.delete(nameKey(item.name));
    this.touch(parent);
    const drop = (it: Item, ancestors: string[]) => {
      const size = this.size(it);
      for (const id of it.children.values()) drop(this.items.get(id)!, [...ancestors, it.id]);
      this.items.delete(it.id);
      this.usedBytes -= it.content.length;
      this.tombstones.set(it.id, { id: it.id, name: it.name, parentId: it.parentId!, folder: it.folder, seq: ++this.seq, size, ancestors });
    };
    drop(item, this.ancestorsOf(parent));
  }

  /** Notes where an item and everything below it were, before a move takes them elsewhere. */
  private depart(item: Item, ancestors: string[]): void {
    this.departures.set(item.id, { id: item.id, name: item.name, parentId: item.parentId!, folder: item.folder, seq: ++this.seq, size: this.size(item), ancestors });
    for (const id of item.children.values()) this.depart(this.items.get(id)!, [...ancestors, item.id]);
  }

  /** The app folder, Apps/{app}, made on first access. */
  approot(app: string): Item {
    const root = this.get(this.rootId);
    const apps = this.child(root, 'Apps') ?? this.createFolder(root, 'Apps', 'fail');
    const mine = this.child(apps, app) ?? this.createFolder(apps, app, 'fail');
    mine.special = 'approot';
    return mine;
  }

  /** The driveItem JSON; in delta, parentReference carries no path (docs/providers/onedrive.md, "Change feed"). */
  toJson(item: Item, inDelta = false): Record<string, unknown> {
    const out: Record<string, unknown> = {
      id: item.id, name: item.name, eTag: `"{${item.id}},${item.version}"`, size: this.size(item),
      createdDateTime: item.createdAt, lastModifiedDateTime: item.modifiedAt,
      fileSystemInfo: { createdDateTime: item.fsCreatedAt, lastModifiedDateTime: item.fsModifiedAt },
    };
    const parentRef: Record<string, unknown> = { driveId: this.id, driveType: this.type };
    if (item.parentId) {
      parentRef.id = item.parentId;
      if (!inDelta) parentRef.path = this.pathOf(this.get(item.parentId));
    }
    out.parentReference = parentRef;
    if (item.folder) {
      out.folder = { childCount: item.children.size };
    } else {
      // Business leaves cTag out of delta for created and modified files.
      if (!(inDelta && this.business)) out.cTag = `"c:{${item.id}},${item.contentVersion}"`;
      out.file = { mimeType: mimeOf(item.name), hashes: { quickXorHash: item.quickXorHash } };
    }
    if (!item.parentId) out.root = {};
    if (item.special) out.specialFolder = { name: item.special };
    return out;
  }
}
