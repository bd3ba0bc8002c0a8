import { z } from 'zod';
import { isConnectorError, type CallOptions, type Change, type ChangePage, type Entry } from '../connector.js';
import { throwIfAborted } from './abort.js';
import { decodeFeedCursor, encodeFeedCursor } from './feed-cursor.js';
import { FolderTree } from './folder-tree.js';

/**
 * The change feed of an id-addressed provider (Graph delta, Drive changes) over one folder tree.
 * Such feeds name an item's parent by id, not by path (Graph leaves parentReference.path out of
 * delta; Drive never had paths), do not report the contents of a folder that was renamed or moved
 * in, and (Drive, and Graph on Business) cover the whole drive. So the feed keeps the tree's
 * folders (id, parent, name) in its cursor, lists a folder's files itself when the folder appears
 * or is renamed, and keeps only what lies below the root.
 */

/** One item of the feed or of a folder listing, reduced to what placing it needs. */
export interface FeedItem {
  id: string;
  /** Deleted, trashed, removed: gone from wherever it was. */
  gone: boolean;
  /** undefined when the provider does not say (a deletion without facets). */
  folder?: boolean;
  /** Neither a document nor a folder (Google Docs, OneNote notebooks, shortcuts): ignored. */
  skip?: boolean;
  parentIds: string[];
  /** Absent on some deletions (Graph Business). */
  name?: string;
  /** A file's entry at `path`. */
  entry?(path: string): Entry;
}

/** What a provider offers the feed. */
export interface TreeFeedSource {
  rootId: string;
  /** The connector's own note kept in the cursor (say, which form of delta it uses). */
  mode?: string;
  /**
   * The feed read without a token enumerates the tree itself (Graph folder delta). Otherwise the
   * feed starts at baseline() and the tree is enumerated by listing, which costs O(tree), not
   * O(drive). A feed of the folder alone also never names an item outside it, so an unknown
   * parent is looked up with locate() instead of being taken for "outside".
   */
  selfEnumerating: boolean;
  baseline(signal?: AbortSignal): Promise<string>;
  /** One page from `token` (null: from scratch); throws FeedExpired when the token is no longer valid. */
  feed(token: string | null, signal?: AbortSignal): Promise<{ items: FeedItem[]; token: string; more: boolean }>;
  /** One page of a folder's children; throws not_found when the folder is gone. */
  children(folderId: string, page: string | undefined, signal?: AbortSignal): Promise<{ items: FeedItem[]; next?: string }>;
  /** A folder's parent and name, for feeds of the folder alone; null when it is gone. */
  locate?(id: string, signal?: AbortSignal): Promise<{ parentId?: string; name: string } | null>;
}

/** The provider invalidated the feed's token (Graph 410, a Drive page token refused). */
export class FeedExpired extends Error {
  constructor(message = 'The change feed must be enumerated again.') {
    super(message);
    this.name = 'FeedExpired';
  }
}

interface TreeFeed {
  /** list: enumerating by listing; scan: the feed enumerates; follow: reading changes. */
  phase: 'list' | 'scan' | 'follow';
  token: string | null;
  /** More feed pages are waiting now. */
  more: boolean;
  folders: FolderTree;
  /** Folders whose files are still to be listed, the first one from page `page` on. */
  queue: Array<{ id: string; page?: string }>;
}

const storedSchema = z.object({
  r: z.string().min(1),
  m: z.string().optional(),
  p: z.enum(['list', 'scan', 'follow']),
  t: z.string().nullable(),
  x: z.boolean(),
  f: z.array(z.tuple([z.string(), z.number().int(), z.string()])),
  q: z.array(z.object({ i: z.string(), n: z.string().optional() })),
});
type Stored = z.infer<typeof storedSchema>;

const store = (feed: TreeFeed, src: TreeFeedSource): Stored => ({
  r: src.rootId, m: src.mode, p: feed.phase, t: feed.token, x: feed.more,
  f: feed.folders.toStored(), q: feed.queue.map((e) => ({ i: e.id, n: e.page })),
});

const load = (s: Stored): TreeFeed => ({
  phase: s.p, token: s.t, more: s.x, folders: new FolderTree(s.r, s.f), queue: s.q.map((e) => ({ id: e.i, page: e.n })),
});

async function start(src: TreeFeedSource, signal?: AbortSignal): Promise<TreeFeed> {
  const folders = new FolderTree(src.rootId);
  if (src.selfEnumerating) return { phase: 'scan', token: null, more: true, folders, queue: [] };
  // The baseline first: whatever changes while the tree is listed is then in the feed.
  return { phase: 'list', token: await src.baseline(signal), more: true, folders, queue: [{ id: src.rootId }] };
}

export interface TreeFeedCall {
  kind: string;
  dir: string;
  cursor: string | null;
  /** The source for the feed's root: found from `dir` when `known` is null, else as the cursor says. */
  open(known: { rootId: string; mode?: string } | null): Promise<TreeFeedSource>;
}

/** One ChangePage: a folder listing page while one is due, else a feed page. */
export async function treeFeedPage(call: TreeFeedCall, opts?: CallOptions): Promise<ChangePage> {
  const signal = opts?.signal;
  throwIfAborted(signal);
  const stored = call.cursor === null ? null : decodeFeedCursor(call.kind, call.dir, call.cursor, storedSchema);
  let reset = call.cursor !== null && stored === null;
  let src = await call.open(stored && { rootId: stored.r, mode: stored.m });
  let feed = stored ? load(stored) : await start(src, signal);
  let changes: Change[];
  try {
    changes = await step(src, feed, signal);
  } catch (e) {
    if (!(e instanceof FeedExpired)) throw e;
    src = await call.open(null);
    feed = await start(src, signal);
    reset = true;
    changes = await step(src, feed, signal);
  }
  return { changes, cursor: encodeFeedCursor(call.kind, call.dir, store(feed, src)), hasMore: feed.queue.length > 0 || feed.more, reset };
}

async function step(src: TreeFeedSource, feed: TreeFeed, signal?: AbortSignal): Promise<Change[]> {
  const head = feed.queue[0];
  if (head) return listStep(src, feed, head, signal);
  const page = await src.feed(feed.token, signal);
  const changes = await place(src, feed, page.items, feed.phase === 'follow', signal);
  feed.token = page.token;
  feed.more = page.more;
  if (feed.phase === 'scan' && !page.more) feed.phase = 'follow';
  return changes;
}

async function listStep(src: TreeFeedSource, feed: TreeFeed, head: { id: string; page?: string }, signal?: AbortSignal): Promise<Change[]> {
  const changes: Change[] = [];
  let page: { items: FeedItem[]; next?: string };
  try {
    page = await src.children(head.id, head.page, signal);
  } catch (e) {
    if (!isConnectorError(e, 'not_found')) throw e;
    page = { items: [] }; // gone since: the feed reports that itself
  }
  const dir = feed.folders.pathOf(head.id);
  for (const item of page.items) {
    if (item.skip || item.gone || item.name === undefined || dir === undefined) continue;
    if (item.folder) {
      feed.folders.set(item.id, head.id, item.name);
      feed.queue.push({ id: item.id });
    } else if (item.entry) {
      changes.push(upsert(item, `${dir ? `${dir}/` : ''}${item.name}`));
    }
  }
  if (page.next) head.page = page.next;
  else feed.queue.shift();
  if (feed.queue.length === 0 && feed.phase === 'list') {
    // The tree is listed: the feed from the baseline on still has what changed meanwhile.
    feed.phase = 'follow';
    feed.more = true;
  }
  return changes;
}

function upsert(item: FeedItem, path: string): Change {
  return { type: 'upsert', entry: { ...item.entry!(path), id: item.id } };
}

/**
 * Applies feed items in order. A folder that appears or is renamed while following gets its
 * files listed (the feed would not report them); one that leaves is one delete with its path,
 * standing for everything below it. A file outside the tree is a delete by id: a drive-wide feed
 * cannot tell one that left from one that never was inside, so consumers ignore unknown ids.
 */
async function place(src: TreeFeedSource, feed: TreeFeed, items: FeedItem[], listNew: boolean, signal?: AbortSignal): Promise<Change[]> {
  const tree = feed.folders;
  const changes: Change[] = [];
  const outside = new Set<string>();
  const parentOf = async (item: FeedItem) => tree.parentIn(item.parentIds) ?? (src.locate ? locateIn(src, tree, item.parentIds[0], outside, signal) : undefined);
  for (const item of items) {
    if (item.id === src.rootId || item.skip) continue;
    const known = tree.has(item.id);
    if (item.gone || item.folder) {
      const parent = item.gone ? undefined : await parentOf(item);
      if (known && parent === undefined) {
        changes.push({ type: 'delete', id: item.id, path: tree.pathOf(item.id)! });
        tree.remove(item.id);
        feed.queue = feed.queue.filter((q) => tree.has(q.id));
      } else if (parent !== undefined && item.name !== undefined && !tree.isAt(item.id, parent, item.name)) {
        tree.set(item.id, parent, item.name);
        if (listNew && !feed.queue.some((q) => q.id === item.id)) feed.queue.push({ id: item.id });
      } else if (item.gone && !known && item.folder !== true) {
        const at = tree.parentIn(item.parentIds);
        const path = at !== undefined && item.name !== undefined ? tree.childPath(at, item.name) : undefined;
        changes.push({ type: 'delete', id: item.id, ...(path !== undefined && { path }) });
      }
      continue;
    }
    const parent = await parentOf(item);
    const path = parent !== undefined && item.name !== undefined ? tree.childPath(parent, item.name) : undefined;
    if (path !== undefined && item.entry) changes.push(upsert(item, path));
    else changes.push({ type: 'delete', id: item.id });
  }
  return changes;
}

/** Walks up from an unknown folder until the tree (it is inside: adds the chain) or the top (outside). */
async function locateIn(src: TreeFeedSource, tree: FolderTree, id: string | undefined, outside: Set<string>, signal?: AbortSignal): Promise<string | undefined> {
  const chain: Array<{ id: string; parentId: string; name: string }> = [];
  for (let at = id; at !== undefined && chain.length < 64; ) {
    if (tree.has(at)) {
      for (const link of chain.reverse()) tree.set(link.id, link.parentId, link.name);
      return id;
    }
    if (outside.has(at)) break;
    const found = await src.locate!(at, signal);
    if (!found?.parentId) break;
    chain.push({ id: at, parentId: found.parentId, name: found.name });
    at = found.parentId;
  }
  for (const link of chain) outside.add(link.id);
  if (id !== undefined) outside.add(id);
  return undefined;
}
