import { ConnectorError, isConnectorError } from '../connector.js';
import { discard } from '../kit/response-body.js';
import { FeedExpired, type FeedItem, type TreeFeedSource } from '../kit/tree-feed.js';
import { encodeSegment, type GraphClient } from './client.js';
import { toEntry, type DriveItem, type DriveItemPage } from './items.js';

/**
 * Graph delta as a tree feed (docs/providers/onedrive.md, "Change feed"). Where folder delta works (OneDrive
 * Personal) the connector reads items/{id}/delta: it enumerates the folder itself and names
 * nothing outside it. OneDrive for Business answers folder delta with 501, so there the feed is
 * root/delta from token=latest on, after listing the folder's tree, and filtered by ancestry.
 * Mode "folder" or "root" is kept in the cursor; the probe that picks it is one token=latest call.
 */
export type GraphFeedMode = 'folder' | 'root';

export interface GraphFeedDeps {
  graph: GraphClient;
  driveId: string;
  pageSize: number;
}

export function feedItem(item: DriveItem): FeedItem {
  const deleted = !!item.deleted;
  return {
    id: item.id, gone: deleted, folder: item.folder ? true : item.file ? false : undefined,
    // OneNote notebooks, items shared from other drives, anything else without a facet we know.
    skip: !deleted && (!!item.package || !!item.remoteItem || (!item.folder && !item.file)),
    parentIds: item.parentReference?.id ? [item.parentReference.id] : [], name: item.name || undefined,
    entry: (path) => toEntry(item, path),
  };
}

/** Which delta the drive serves for `folder`: the drive root always has one; Business refuses others. */
export async function probeMode(deps: GraphFeedDeps, folder: DriveItem, dir: string, signal?: AbortSignal): Promise<GraphFeedMode> {
  if (folder.root) return 'folder';
  const res = await deps.graph.request('GET', `/drives/${encodeSegment(deps.driveId)}/items/${encodeSegment(folder.id)}/delta?token=latest`, { path: dir, signal, expect: [200, 501] });
  await discard(res);
  return res.status === 200 ? 'folder' : 'root';
}

export function graphFeedSource(deps: GraphFeedDeps, rootId: string, mode: GraphFeedMode, dir: string): TreeFeedSource {
  const { graph, pageSize } = deps;
  const drive = `/drives/${encodeSegment(deps.driveId)}`;
  const delta = mode === 'folder' ? `${drive}/items/${encodeSegment(rootId)}/delta` : `${drive}/root/delta`;
  /** Links come back in cursors: only Graph's own address gets our bearer token. */
  const own = (link: string) => {
    if (!link.startsWith(graph.url('/'))) throw new FeedExpired('The stored delta link does not point at Graph.');
    return link;
  };
  const page = (url: string, signal?: AbortSignal) => graph.json<DriveItemPage>('GET', url, { path: dir, signal, expect: [200] });
  return {
    rootId, mode, selfEnumerating: mode === 'folder',
    baseline: async (signal) => {
      const latest = await page(`${delta}?token=latest&$top=${pageSize}`, signal);
      const link = latest['@odata.deltaLink'];
      if (!link) throw new ConnectorError('transient', 'OneDrive gave no delta link for token=latest; try again');
      return link;
    },
    feed: async (token, signal) => {
      const res = await graph.request('GET', token ? own(token) : `${delta}?$top=${pageSize}`, { path: dir, signal, expect: [200, 410] });
      if (res.status === 410) {
        // resyncRequired and friends: the Location would enumerate the whole view again; we start our own way.
        await discard(res);
        throw new FeedExpired();
      }
      const got = (await res.json()) as DriveItemPage;
      const next = got['@odata.nextLink'] ?? got['@odata.deltaLink'];
      if (!next) throw new ConnectorError('transient', 'OneDrive sent a delta page without a next or delta link; try again');
      return { items: got.value.map(feedItem), token: next, more: !!got['@odata.nextLink'] };
    },
    children: async (folderId, next, signal) => {
      const got = await page(next ? own(next) : `${drive}/items/${encodeSegment(folderId)}/children?$top=${pageSize}`, signal);
      return { items: got.value.map(feedItem), next: got['@odata.nextLink'] };
    },
    // Only a feed of the folder alone can take an unknown parent for one inside it.
    locate: mode === 'root' ? undefined : async (id, signal) => {
      try {
        const item = await graph.json<DriveItem>('GET', `${drive}/items/${encodeSegment(id)}`, { path: dir, signal, expect: [200] });
        return { parentId: item.parentReference?.id, name: item.name };
      } catch (e) {
        if (isConnectorError(e, 'not_found')) return null;
        throw e;
      }
    },
  };
}
