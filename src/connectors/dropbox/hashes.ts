import { isConnectorError, splitPath } from '../connector.js';
import { throwIfAborted } from '../kit/abort.js';
import type { DropboxConnector } from './connector.js';
import type { DropboxMetadata } from './items.js';

/** From this many files in one folder on, one listing is cheaper than a get_metadata each. */
const LIST_FROM = 4;
const PARALLEL = 4;

/**
 * content_hash of many files: folders holding several of them are listed (2000 entries a call),
 * the rest looked up one by one, four at a time. Missing files and folders are left out.
 */
export async function hashesOf(c: DropboxConnector, paths: string[], signal?: AbortSignal): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const byDir = new Map<string, string[]>();
  for (const p of paths) {
    const [dir] = splitPath(p);
    byDir.set(dir.toLowerCase(), [...(byDir.get(dir.toLowerCase()) ?? []), p]);
  }
  const single: string[] = [];
  for (const group of byDir.values()) {
    if (group.length < LIST_FROM) { single.push(...group); continue; }
    const wanted = new Map(group.map((p) => [splitPath(p)[1].toLowerCase(), p]));
    try {
      for await (const e of c.list(splitPath(group[0]!)[0], { signal })) {
        const p = wanted.get(e.name.toLowerCase());
        if (p && !e.isDir && e.hashes?.dropbox) out.set(p, e.hashes.dropbox);
      }
    } catch (e) {
      if (!isConnectorError(e, 'not_found')) throw e;
    }
  }
  let next = 0;
  const worker = async () => {
    while (next < single.length) {
      const path = single[next++]!;
      throwIfAborted(signal);
      let m: DropboxMetadata;
      try {
        m = await c.client.json<DropboxMetadata>('files/get_metadata', { path, signal, arg: { path: c.dropboxPath(path) } });
      } catch (e) {
        if (isConnectorError(e, 'not_found')) continue;
        throw e;
      }
      if (m['.tag'] === 'file' && m.content_hash) out.set(path, m.content_hash);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, single.length) }, worker));
  return out;
}
