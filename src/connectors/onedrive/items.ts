import { splitPath, type Entry } from '../connector.js';

/** The driveItem fields the connector reads (docs/providers/onedrive.md, "Items and paths"). */
export interface DriveItem {
  id: string;
  name: string;
  size?: number;
  lastModifiedDateTime?: string;
  fileSystemInfo?: { lastModifiedDateTime?: string };
  folder?: { childCount?: number };
  file?: { mimeType?: string; hashes?: { quickXorHash?: string } };
  /** OneNote notebooks: neither file nor folder; skipped, as rclone does. */
  package?: { type?: string };
  parentReference?: { driveId?: string; id?: string; path?: string };
  /** In delta: the item is gone. Business leaves its name out. */
  deleted?: { state?: string };
  /** Items shared from another drive: their contents live there. */
  remoteItem?: unknown;
  root?: unknown;
}

export interface DriveItemPage { value: DriveItem[]; '@odata.nextLink'?: string; '@odata.deltaLink'?: string }

export function toEntry(item: DriveItem, path: string): Entry {
  const when = item.fileSystemInfo?.lastModifiedDateTime ?? item.lastModifiedDateTime;
  const entry: Entry = {
    path, name: path ? splitPath(path)[1] : item.name, isDir: !!item.folder, size: item.folder ? 0 : item.size ?? 0,
    modifiedAt: when ? new Date(when) : null, id: item.id,
  };
  const quickxor = item.file?.hashes?.quickXorHash;
  if (quickxor) entry.hashes = { quickxor };
  return entry;
}
