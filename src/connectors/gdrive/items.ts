import { splitPath, type Entry } from '../connector.js';

export const FOLDER_MIME = 'application/vnd.google-apps.folder';
/** The File fields the connector reads; Drive sends only what `fields` names (docs/providers/google-drive.md, "Listing and queries" and "Hashes"). */
export const FILE_FIELDS = 'id,name,mimeType,size,md5Checksum,sha1Checksum,sha256Checksum,modifiedTime,createdTime,parents,trashed';

export interface DriveFile {
  id: string;
  name: string;
  mimeType: string;
  /** int64 as a string; absent for folders and Google-native documents. */
  size?: string;
  md5Checksum?: string;
  sha1Checksum?: string;
  sha256Checksum?: string;
  modifiedTime?: string;
  createdTime?: string;
  parents?: string[];
  trashed?: boolean;
}

export interface FileList { files: DriveFile[]; nextPageToken?: string }

export const isFolder = (f: DriveFile) => f.mimeType === FOLDER_MIME;
/** Google Docs, Sheets, shortcuts…: no bytes to back up or read, so not part of a listing. */
export const isNative = (f: DriveFile) => f.mimeType.startsWith('application/vnd.google-apps.') && !isFolder(f);

/** Oldest first, then by id: the order in which every client picks "the" one of same-named items. */
export function byAge(a: DriveFile, b: DriveFile): number {
  const ta = a.createdTime ?? '', tb = b.createdTime ?? '';
  return ta < tb ? -1 : ta > tb ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function toEntry(f: DriveFile, path: string): Entry {
  const entry: Entry = {
    path, name: path ? splitPath(path)[1] : f.name, isDir: isFolder(f), size: isFolder(f) ? 0 : Number(f.size ?? 0),
    modifiedAt: f.modifiedTime ? new Date(f.modifiedTime) : null, id: f.id,
  };
  const hashes: Entry['hashes'] = {};
  if (f.sha256Checksum) hashes.sha256 = f.sha256Checksum;
  if (f.md5Checksum) hashes.md5 = f.md5Checksum;
  if (f.sha1Checksum) hashes.sha1 = f.sha1Checksum;
  if (Object.keys(hashes).length) entry.hashes = hashes;
  return entry;
}
