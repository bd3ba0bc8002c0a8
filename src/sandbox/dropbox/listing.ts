import { badRequest, DropboxError, endpoint, lookupError, u } from './errors.js';
import type { Namespace, Node } from './namespace.js';

/** What a list_folder cursor remembers; it is opaque to clients (base64url JSON here). */
export interface CursorState {
  user: string;
  /** The view the cursor belongs to (app folder or whole Dropbox). */
  view: string;
  /** path_lower of the listed folder, as the view sees it ("" for its root). */
  path: string;
  recursive: boolean;
  limit: number;
  /** Entries with a later place in the change sequence are still to come. */
  seq: number;
  /** Deletions at or before this are history, not news, for a listing from scratch. */
  floor: number;
  epoch: number;
}

export function encodeCursor(c: CursorState): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

/** A cursor this emulator made for this user and view; anything else is a plain-text 400. */
export function decodeCursor(raw: unknown, route: string, user: string, view: string): CursorState {
  const invalid = () => badRequest(route, 'Invalid "cursor" parameter');
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 4096) throw invalid();
  let c: CursorState;
  try {
    c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as CursorState;
  } catch {
    throw invalid();
  }
  if (!c || c.user !== user || c.view !== view || typeof c.seq !== 'number') throw invalid();
  return c;
}

/** The folder a cursor lists; list_folder on a file is not_folder. */
export function folderAt(ns: Namespace, base: Node, segments: string[]): Node {
  const folder = ns.find(base, segments);
  if (!folder.folder) throw lookupError('not_folder');
  return folder;
}

/**
 * One page of entries after the cursor, in change order: files and folders as they are now and
 * `deleted` entries for paths that went away. A page ends at `limit`; the last page's cursor
 * points at the present, so continue later reports only what changed since.
 */
export function listPage(ns: Namespace, base: Node, c: CursorState): { entries: unknown[]; cursor: string; has_more: boolean } {
  const all = pending(ns, base, c);
  const page = all.slice(0, c.limit);
  const hasMore = all.length > c.limit;
  const next: CursorState = { ...c, seq: hasMore ? page.at(-1)!.seq : ns.seq };
  return { entries: page.map((e) => e.json()).filter((e) => e !== null), cursor: encodeCursor(next), has_more: hasMore };
}

/** Everything a cursor has still to report, in change order; `reset` for an invalidated cursor. */
export function pending(ns: Namespace, base: Node, c: CursorState): Array<{ seq: number; json: () => Record<string, unknown> | null }> {
  if (c.epoch !== ns.epoch) throw endpoint(u('reset'), 'The cursor was invalidated; list the folder again.');
  let folder: Node;
  try {
    folder = folderAt(ns, base, c.path === '' ? [] : c.path.slice(1).split('/'));
  } catch (e) {
    if (e instanceof DropboxError) throw e;
    throw endpoint(u('path', u('not_found')));
  }
  const live = ns.changedSince(folder, c.recursive, c.seq).map((n) => ({ seq: n.seq, json: () => ns.metadata(n, base) }));
  const gone = ns.buriedSince(folder, c.recursive, Math.max(c.seq, c.floor)).map((t) => ({ seq: t.seq, json: () => ns.deletedMetadata(t, base) }));
  return [...live, ...gone].sort((a, b) => a.seq - b.seq);
}

/** Reads a cursor without a token, as the longpoll does (it takes no Authorization). */
export function peekCursor(raw: unknown, route: string): CursorState {
  let c: CursorState | undefined;
  try {
    c = JSON.parse(Buffer.from(String(raw), 'base64url').toString('utf8')) as CursorState;
  } catch {
    // answered below
  }
  if (!c || typeof c.user !== 'string' || typeof c.view !== 'string') throw badRequest(route, 'Invalid "cursor" parameter');
  return decodeCursor(raw, route, c.user, c.view);
}
