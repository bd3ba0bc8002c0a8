import { z } from 'zod';
import { badRequest, DriveError } from './errors.js';
import type { DriveFile, DriveStore, NewFile } from './store.js';

/** The File fields a client may send on create or update; the rest of a File is the server's. */
const fileMetadata = z.object({
  name: z.string().max(32_767).optional(),
  mimeType: z.string().max(255).optional(),
  parents: z.array(z.string().min(1).max(200)).max(10).optional(),
  modifiedTime: z.iso.datetime({ offset: true }).optional(),
  trashed: z.boolean().optional(),
  description: z.string().max(30_000).optional(),
});

export type FileMetadata = z.infer<typeof fileMetadata>;

export function parseMetadata(body: unknown): FileMetadata {
  const parsed = fileMetadata.safeParse(body);
  if (!parsed.success) throw badRequest(`Invalid file metadata: ${parsed.error.issues[0]?.message ?? 'unreadable'}.`);
  return parsed.data;
}

export function forCreate(meta: FileMetadata): NewFile {
  return { name: meta.name ?? 'Untitled', mimeType: meta.mimeType, parents: meta.parents, modifiedTime: meta.modifiedTime };
}

/** addParents / removeParents are query parameters: comma-separated ids. */
function idsOf(url: URL, key: string): string[] {
  return (url.searchParams.get(key) ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/**
 * files.update's metadata half: `parents` cannot be written directly, moves go through
 * addParents/removeParents (as on Drive, 403 fieldNotWritable otherwise).
 */
export function applyUpdate(store: DriveStore, file: DriveFile, meta: FileMetadata, url: URL): DriveFile {
  if (meta.parents) {
    throw new DriveError(403, 'fieldNotWritable', 'The parents field is not directly writable in update requests. Use the addParents and removeParents parameters instead.');
  }
  const addParents = idsOf(url, 'addParents'), removeParents = idsOf(url, 'removeParents');
  const changes = meta.name !== undefined || meta.trashed !== undefined || addParents.length || removeParents.length;
  if (!changes && !meta.modifiedTime) return file;
  return store.update(file, { name: meta.name, trashed: meta.trashed, modifiedTime: meta.modifiedTime, addParents, removeParents });
}
