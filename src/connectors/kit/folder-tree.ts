import { joinPath } from '../connector.js';

/** A folder as a cursor stores it: id, index of the parent in the same list (-1: the feed's root), name. */
export type StoredFolder = [id: string, parent: number, name: string];

const MAX_DEPTH = 1000;

/**
 * The folders below a change feed's root, by id: what id-addressed feeds (Graph delta, Drive
 * changes) need to turn "parent id + name" into a path and to tell whether an item is inside the
 * tree at all. Only folders are kept, never files, so the cursor that carries it grows with the
 * number of folders, not of documents.
 */
export class FolderTree {
  private readonly folders = new Map<string, { parent: string; name: string }>();

  constructor(readonly rootId: string, stored: StoredFolder[] = []) {
    for (const [id, parent, name] of stored) {
      const parentId = parent < 0 ? rootId : stored[parent]?.[0];
      if (parentId !== undefined) this.folders.set(id, { parent: parentId, name });
    }
  }

  /** The root or a folder below it. */
  has(id: string): boolean {
    return id === this.rootId || this.pathOf(id) !== undefined;
  }

  /** The folder's path relative to the root ("" for the root); undefined when it is not in the tree. */
  pathOf(id: string): string | undefined {
    const names: string[] = [];
    for (let at = id, depth = 0; at !== this.rootId; depth++) {
      const f = this.folders.get(at);
      if (!f || depth > MAX_DEPTH) return undefined;
      names.unshift(f.name);
      at = f.parent;
    }
    return names.join('/');
  }

  /** The first of `parentIds` that lies in the tree. */
  parentIn(parentIds: string[]): string | undefined {
    return parentIds.find((p) => this.has(p));
  }

  childPath(parentId: string, name: string): string | undefined {
    const dir = this.pathOf(parentId);
    return dir === undefined ? undefined : joinPath(dir, name);
  }

  /** Whether the folder is known with exactly this parent and name. */
  isAt(id: string, parentId: string, name: string): boolean {
    const f = this.folders.get(id);
    return f !== undefined && f.parent === parentId && f.name === name;
  }

  set(id: string, parentId: string, name: string): void {
    if (id !== this.rootId) this.folders.set(id, { parent: parentId, name });
  }

  /** Forgets a folder and every folder below it. */
  remove(id: string): void {
    this.folders.delete(id);
    for (const [other, f] of this.folders) if (f.parent === id) this.remove(other);
  }

  /** The folders still connected to the root, parents before children. */
  toStored(): StoredFolder[] {
    const out: StoredFolder[] = [];
    const index = new Map<string, number>([[this.rootId, -1]]);
    const children = new Map<string, string[]>();
    for (const [id, f] of this.folders) children.set(f.parent, [...(children.get(f.parent) ?? []), id]);
    const walk = (parent: string) => {
      for (const id of children.get(parent) ?? []) {
        index.set(id, out.length);
        out.push([id, index.get(parent)!, this.folders.get(id)!.name]);
        walk(id);
      }
    };
    walk(this.rootId);
    return out;
  }
}
