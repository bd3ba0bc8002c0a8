import { isConnectorError, type Entry, type StorageConnector } from '../connectors/connector.js';
import { isTempName } from '../connectors/kit/temp-name.js';
import type { Db } from '../catalog/db.js';
import type { DestinationRow } from '../catalog/destinations.js';
import { markAbandoned, markMissing, syncedDeliveries } from '../catalog/deliveries.js';

export interface VerifyReport { checked: number; missing: number; altered: number; abandoned: number; strays: number }

/** Every file and folder below the root, as the destination lists it now. */
async function walk(connector: StorageConnector, signal?: AbortSignal): Promise<{ files: Map<string, Entry>; dirs: Set<string> }> {
  const files = new Map<string, Entry>(), dirs = new Set<string>(['']);
  const queue = [''];
  while (queue.length) {
    const dir = queue.shift()!;
    try {
      for await (const e of connector.list(dir, { signal })) {
        if (e.isDir) { dirs.add(e.path); queue.push(e.path); } else files.set(e.path, e);
      }
    } catch (e) {
      if (!isConnectorError(e, 'not_found')) throw e;
    }
  }
  return { files, dirs };
}

/**
 * Compares the destination with the ledger. A file deleted or altered there goes back to
 * pending, so the next pass uploads it again; when the user deleted a whole folder and the
 * destination respects folder deletions, its documents are let go instead. Leftover temporary
 * files of interrupted uploads (ours, by their name) are removed.
 */
export async function verifyDestination(db: Db, connector: StorageConnector, dst: DestinationRow, signal?: AbortSignal): Promise<VerifyReport> {
  const report: VerifyReport = { checked: 0, missing: 0, altered: 0, abandoned: 0, strays: 0 };
  const { files, dirs } = await walk(connector, signal);
  for (const [path, e] of files) {
    if (isTempName(e.name)) { await connector.remove(path).catch(() => undefined); report.strays++; }
  }
  let after = '';
  for (;;) {
    const page = await syncedDeliveries(db, dst.id, after, 500);
    if (page.length === 0) break;
    after = page.at(-1)!.documentId;
    const present: Array<{ documentId: string; path: string; sha256: string }> = [];
    for (const d of page) {
      if (!d.remotePath) continue; // let go on purpose earlier
      report.checked++;
      const entry = files.get(d.remotePath);
      if (!entry) {
        const folder = d.remotePath.split('/').slice(0, -1).join('/');
        if (dst.respectFolderDeletions && !dirs.has(folder)) {
          await markAbandoned(db, dst.id, d.documentId, `The folder ${folder} was deleted at the destination; its documents are no longer sent.`);
          report.abandoned++;
        } else if (dst.restoreDeleted) {
          await markMissing(db, dst.id, d.documentId, `${d.remotePath} was deleted at the destination.`);
          report.missing++;
        }
      } else if (entry.size !== d.size) {
        if (dst.restoreDeleted) await markMissing(db, dst.id, d.documentId, `${d.remotePath} was changed at the destination.`);
        report.altered++;
      } else {
        present.push({ documentId: d.documentId, path: d.remotePath, sha256: d.sha256! });
      }
    }
    if (present.length && connector.hashMany && connector.capabilities.hashes.includes('sha256')) {
      const hashes = await connector.hashMany(present.map((p) => p.path), 'sha256', { signal });
      for (const p of present) {
        if (hashes.get(p.path) !== p.sha256) {
          if (dst.restoreDeleted) await markMissing(db, dst.id, p.documentId, `${p.path} was changed at the destination.`);
          report.altered++;
        }
      }
    }
  }
  return report;
}
