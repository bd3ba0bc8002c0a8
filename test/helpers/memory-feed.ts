import { createHash } from 'node:crypto';
import { z } from 'zod';
import { MemoryConnector } from '../../src/connectors/memory/connector.js';
import {
  ConnectorError, type CallOptions, type Capabilities, type ChangePage, type Change, type ConnectorDefinition, type Entry, type ReadOptions,
  type StorageConnector, type WriteInfo,
} from '../../src/connectors/connector.js';
import type { Readable } from 'node:stream';

/**
 * A drive with a real change feed, in memory: every file has a stable id (kept across renames
 * and moves, like Graph or Drive ids), every change is appended to a journal, and a cursor is
 * a position in it. Like the providers' feeds it pages, repeats nothing it need not, reports
 * deletes by id only (no name), and can be told to forget its cursors (Graph's 410, Dropbox's
 * reset): the next call then starts a new full enumeration with `reset: true`.
 */
export class FeedDrive {
  readonly store = new MemoryConnector();
  private readonly ids = new Map<string, string>();
  private readonly journal: Array<{ id: string; path: string | null }> = [];
  private epoch = 1;
  private nextId = 1;
  pageSize = 50;
  /** Counts calls by name, for cost checks. */
  readonly calls: Record<string, number> = {};
  /** Thrown by the next changes() call (then cleared): a connection that breaks mid-run. */
  failNext: ConnectorError | null = null;

  private log(path: string, removed = false): void {
    const id = this.ids.get(path)!;
    this.journal.push({ id, path: removed ? null : path });
    if (removed) this.ids.delete(path);
  }

  async put(path: string, body: Buffer): Promise<void> {
    const { Readable } = await import('node:stream');
    await this.store.write(path, Readable.from([body]), { size: body.length });
    if (!this.ids.has(path)) this.ids.set(path, `item-${this.nextId++}`);
    this.log(path);
  }

  async move(from: string, to: string): Promise<void> {
    await this.store.move(from, to);
    this.ids.set(to, this.ids.get(from)!);
    this.ids.delete(from);
    this.log(to);
  }

  /** Modification time changes, content does not. */
  touch(path: string): void {
    this.store.files.get(path)!.modifiedAt = new Date();
    this.log(path);
  }

  async remove(path: string): Promise<void> {
    await this.store.remove(path);
    this.log(path, true);
  }

  /** Every cursor handed out so far becomes invalid. */
  invalidateCursors(): void {
    this.epoch++;
  }

  entryOf(path: string): Entry & { id: string } {
    const f = this.store.files.get(path)!;
    return {
      path, name: path.split('/').pop()!, isDir: false, size: f.data.length, modifiedAt: f.modifiedAt, id: this.ids.get(path)!,
      hashes: { sha256: createHash('sha256').update(f.data).digest('hex') },
    };
  }

  /** The feed below `root` (a folder of the drive), as a connector sees it with paths relative to root. */
  changes(root: string, cursor: string | null): ChangePage {
    this.calls.changes = (this.calls.changes ?? 0) + 1;
    if (this.failNext) { const e = this.failNext; this.failNext = null; throw e; }
    const prefix = root ? `${root}/` : '';
    const rel = (p: string) => p.slice(prefix.length);
    const [epoch, kind, pos] = (cursor ?? '').split(':');
    const reset = cursor !== null && Number(epoch) !== this.epoch;
    if (cursor === null || reset || kind === 'enum') {
      // A full enumeration, page by page; then follow the journal from where it was taken.
      const paths = [...this.store.files.keys()].filter((p) => p.startsWith(prefix)).sort();
      const start = kind === 'enum' && !reset ? Number(pos) : 0;
      const at = kind === 'enum' && !reset ? Number(cursor!.split(':')[3]) : this.journal.length;
      const page = paths.slice(start, start + this.pageSize);
      const more = start + this.pageSize < paths.length;
      const changes: Change[] = page.map((p) => ({ type: 'upsert', entry: { ...this.entryOf(p), path: rel(p) } }));
      return { changes, cursor: more ? `${this.epoch}:enum:${start + this.pageSize}:${at}` : `${this.epoch}:log:${at}`, hasMore: more, reset };
    }
    const from = Number(pos);
    const slice = this.journal.slice(from, from + this.pageSize);
    const changes: Change[] = [];
    for (const j of slice) {
      if (j.path === null) changes.push({ type: 'delete', id: j.id });
      else if (j.path.startsWith(prefix) && this.store.files.has(j.path) && this.ids.get(j.path) === j.id) changes.push({ type: 'upsert', entry: { ...this.entryOf(j.path), path: rel(j.path) } });
      else changes.push({ type: 'delete', id: j.id }); // moved out of the folder, or replaced since
    }
    const end = from + slice.length;
    return { changes, cursor: `${this.epoch}:log:${end}`, hasMore: end < this.journal.length, reset: false };
  }

  /** A connector over `root`, with the feed; reads and lists go to the store. */
  connector(root: string): StorageConnector {
    const drive = this;
    const abs = (p: string) => (root && p ? `${root}/${p}` : root || p);
    const count = (n: string) => { drive.calls[n] = (drive.calls[n] ?? 0) + 1; };
    const capabilities: Capabilities = { ...this.store.capabilities, changeFeed: true };
    return {
      kind: 'feed', capabilities,
      async *list(dir: string, opts?: CallOptions) { count('list'); for await (const e of drive.store.list(abs(dir), opts)) yield { ...e, path: e.path.slice(root ? root.length + 1 : 0) }; },
      async stat(path: string) { count('stat'); const e = await drive.store.stat(abs(path)); return { ...e, path }; },
      async read(path: string, opts?: ReadOptions): Promise<Readable> { count('read'); return drive.store.read(abs(path), opts); },
      async write(path: string, body: Readable, info: WriteInfo) { count('write'); const e = await drive.store.write(abs(path), body, info); return { ...e, path }; },
      async remove(path: string) { count('remove'); await drive.remove(abs(path)); },
      async mkdir(path: string) { count('mkdir'); await drive.store.mkdir(abs(path)); },
      async rmdir(path: string) { await drive.store.rmdir(abs(path)); },
      async move(from: string, to: string) { count('move'); await drive.move(abs(from), abs(to)); return { ...drive.entryOf(abs(to)), path: to }; },
      async changes(dir: string, cursor: string | null) {
        if (!drive.store.dirs.has(abs(dir))) throw new ConnectorError('not_found', `The folder ${abs(dir)} does not exist.`);
        return drive.changes(abs(dir), cursor);
      },
      async close() {},
    };
  }

  /** A definition of `kind` (onedrive, say) whose connectors are this drive. */
  definition(kind: string): ConnectorDefinition<{ root: string }> {
    return {
      kind, title: `${kind} (in-memory feed)`, settings: z.object({ root: z.string().default('') }).passthrough(), secrets: [],
      names: this.store.capabilities.names, create: async ({ root }) => this.connector(root),
    };
  }
}
