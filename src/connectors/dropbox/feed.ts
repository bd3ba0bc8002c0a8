import { z } from 'zod';
import { type CallOptions, type Change, type ChangePage } from '../connector.js';
import { throwIfAborted } from '../kit/abort.js';
import { decodeFeedCursor, encodeFeedCursor } from '../kit/feed-cursor.js';
import type { DropboxClient } from './client.js';
import { failureOf } from './errors.js';
import { toEntry, type DropboxMetadata, type ListFolderResult } from './items.js';

/**
 * Dropbox's change feed (docs/providers/dropbox.md, "Change feed"): list_folder with recursive: true enumerates
 * the folder, list_folder/continue with its cursor pages on and later reports what changed, in
 * order. Paths are Dropbox's own, so nothing but Dropbox's cursor rides in ours. A 409 reset on
 * continue starts a new enumeration (reset: true); that one asks for include_deleted, so that
 * what went away while the cursor was dead is said too. A folder that is gone answers not_found.
 *
 * Deleted entries carry no id (docs/providers/dropbox.md, "Listing and metadata"): a delete's `id` is then its path
 * relative to the folder, lower-cased as Dropbox does (path_lower), and never equals the id of
 * an upsert. Match Dropbox deletes by path: a deleted folder is one entry for everything below
 * it, and a move is a delete at the old path followed by an upsert with the same id.
 */
const stateSchema = z.object({ c: z.string().min(1) });

export interface DropboxFeedDeps {
  client: DropboxClient;
  /** The Dropbox path of `dir`: "/Root/dir", or "" for the token's root. */
  base: string;
  limit: number;
}

export async function dropboxFeedPage(deps: DropboxFeedDeps, dir: string, cursor: string | null, opts?: CallOptions): Promise<ChangePage> {
  const signal = opts?.signal;
  throwIfAborted(signal);
  const state = cursor === null ? null : decodeFeedCursor('dropbox', dir, cursor, stateSchema);
  let reset = cursor !== null && state === null;
  const list = (includeDeleted: boolean) => deps.client.json<ListFolderResult>('files/list_folder', {
    path: dir, signal, arg: { path: deps.base, recursive: true, include_deleted: includeDeleted, limit: deps.limit },
  });
  let page: ListFolderResult;
  if (!state) {
    page = await list(reset);
  } else {
    try {
      page = await deps.client.json<ListFolderResult>('files/list_folder/continue', { path: dir, signal, arg: { cursor: state.c } });
    } catch (e) {
      if (!failureOf(e)?.has('reset')) throw e;
      reset = true;
      page = await list(true);
    }
  }
  return {
    changes: page.entries.map((m) => changeOf(m, deps.base)).filter((c) => c !== null),
    cursor: encodeFeedCursor('dropbox', dir, { c: page.cursor }), hasMore: page.has_more, reset,
  };
}

/** The path below the feed's folder: Dropbox's path minus the folder's own components. */
function below(path: string | undefined, base: string): string | null {
  if (!path) return null;
  const skip = base === '' ? 0 : base.split('/').length - 1;
  const parts = path.split('/').slice(1);
  return parts.length > skip ? parts.slice(skip).join('/') : null;
}

function changeOf(m: DropboxMetadata, base: string): Change | null {
  const lower = below(m.path_lower, base.toLowerCase());
  if (lower === null) return null; // the folder itself
  if (m['.tag'] === 'deleted') return { type: 'delete', id: lower, path: below(m.path_display, base) ?? lower };
  if (m['.tag'] !== 'file' || !m.id) return null;
  // path_display has the right case in its last component only (docs/providers/dropbox.md, "Listing and metadata").
  return { type: 'upsert', entry: { ...toEntry(m, below(m.path_display, base) ?? lower), id: m.id } };
}
