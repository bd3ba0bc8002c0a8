import { ConnectorError } from '../connector.js';
import { HttpFailure } from '../kit/http-failure.js';
import { FeedExpired, type FeedItem, type TreeFeedSource } from '../kit/tree-feed.js';
import { qLiteral, type DriveClient } from './client.js';
import type { DriveFolders } from './folders.js';
import { FILE_FIELDS, isFolder, isNative, toEntry, type DriveFile } from './items.js';

/**
 * Drive's changes feed as a tree feed (docs/providers/google-drive.md, "Change feed"). The feed covers the whole
 * drive and names parents by id, so: the start page token first, then the folder's tree listed
 * with files.list, then changes.list from that token, kept to what lies below the folder (the
 * folder ids ride in the cursor). Trashed files (file.trashed) and removed ones (removed: true,
 * no file) are deletes; a file whose parents lie outside the tree is a delete by id too.
 */
interface DriveChange { changeType?: string; removed?: boolean; fileId: string; file?: DriveFile }
interface ChangeList { changes: DriveChange[]; nextPageToken?: string; newStartPageToken?: string }

const CHANGE_FIELDS = `nextPageToken,newStartPageToken,changes(changeType,removed,fileId,file(${FILE_FIELDS}))`;

export function fileItem(f: DriveFile): FeedItem {
  return {
    id: f.id, gone: !!f.trashed, folder: isFolder(f), skip: isNative(f), parentIds: f.parents ?? [], name: f.name,
    entry: (path) => toEntry(f, path),
  };
}

function changeItem(c: DriveChange): FeedItem | null {
  if (c.changeType === 'drive') return null; // a shared drive itself changed, not a file
  if (c.removed || !c.file) return { id: c.fileId, gone: true, parentIds: [] };
  return fileItem(c.file);
}

/** A page token Drive no longer takes: 400 invalid, blaming the pageToken parameter. */
const refusedToken = (e: unknown) => {
  const f = (e as { cause?: unknown })?.cause;
  return f instanceof HttpFailure && f.status === 400 && f.has('param:pageToken');
};

export interface DriveFeedDeps { client: DriveClient; folders: DriveFolders; pageSize: number }

export function driveFeedSource(deps: DriveFeedDeps, rootId: string, dir: string): TreeFeedSource {
  const { client, folders, pageSize } = deps;
  return {
    rootId, selfEnumerating: false,
    baseline: async (signal) => (await client.json<{ startPageToken: string }>('GET', '/drive/v3/changes/startPageToken', { path: dir, signal, expect: [200] })).startPageToken,
    feed: async (token, signal) => {
      if (token === null) throw new FeedExpired('A Drive feed starts from a start page token.');
      const params = new URLSearchParams({ pageToken: token, pageSize: String(pageSize), includeRemoved: 'true', fields: CHANGE_FIELDS });
      let got: ChangeList;
      try {
        got = await client.json<ChangeList>('GET', `/drive/v3/changes?${params}`, { path: dir, signal, expect: [200] });
      } catch (e) {
        if (refusedToken(e)) throw new FeedExpired('Google Drive no longer takes this page token.');
        throw e;
      }
      const next = got.nextPageToken ?? got.newStartPageToken;
      if (!next) throw new ConnectorError('transient', 'Google Drive sent a changes page without a next or new start token; try again');
      return { items: got.changes.map(changeItem).filter((i) => i !== null), token: next, more: !!got.nextPageToken };
    },
    children: async (folderId, page, signal) => {
      const got = await folders.listPage(`${qLiteral(folderId)} in parents and trashed = false`, pageSize, page, dir, signal);
      return { items: got.files.map(fileItem), next: got.nextPageToken };
    },
  };
}
