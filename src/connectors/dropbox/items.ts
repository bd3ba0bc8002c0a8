import type { Entry } from '../connector.js';

/** The Metadata union of files.stone, as far as the connector reads it (docs/providers/dropbox.md, "Listing and metadata"). */
export interface DropboxMetadata {
  '.tag': 'file' | 'folder' | 'deleted';
  name: string;
  id?: string;
  path_lower?: string;
  path_display?: string;
  client_modified?: string;
  server_modified?: string;
  rev?: string;
  size?: number;
  content_hash?: string;
}

export interface ListFolderResult { entries: DropboxMetadata[]; cursor: string; has_more: boolean }

/**
 * An Entry at the connector path `path`. Paths are built from our own path and the leaf name,
 * never from path_display, whose case is only right in the last component.
 */
export function toEntry(m: DropboxMetadata, path: string): Entry {
  const isDir = m['.tag'] === 'folder';
  // client_modified is the time we set at upload; server_modified is only when it reached Dropbox.
  const when = m.client_modified ?? m.server_modified;
  const entry: Entry = { path, name: m.name, isDir, size: isDir ? 0 : m.size ?? 0, modifiedAt: when ? new Date(when) : null, id: m.id };
  if (m.content_hash) entry.hashes = { dropbox: m.content_hash };
  return entry;
}

/** Dropbox wants UTC to the second: 2024-03-14T10:20:30Z. */
export const clientModified = (d: Date) => d.toISOString().replace(/\.\d+Z$/, 'Z');
