import type { Db } from './db.js';

/**
 * The columns that make a blob worth keeping, so that garbage collection keeps what any of them
 * refers to. A new table that holds on to a blob by its hash belongs here, or its blobs get removed.
 * - document_versions: the bytes of every version of every document (what the vault reads);
 * - inbox_items: a collected file, filed as a document;
 * - mail_messages: a message kept aside for review (its sender not on the channel's allow-list);
 * - exports: an export's ZIP, until the export expires.
 * Two more tables hold hashes without needing a check: channel_items (a collected or duplicate
 * file's bytes, always those of an inbox item) and deliveries (the bytes of a delivered version).
 * Versions and inbox items are never deleted, so those hashes always have a reference above.
 */
const REFERENCES = [
  ['document_versions', 'sha256'],
  ['inbox_items', 'sha256'],
  ['mail_messages', 'raw_sha256'],
  ['exports', 'sha256'],
] as const;

const CHUNK = 500;

/** Which of these hashes anything in the catalog refers to (each column has an index on it). */
export async function referencedBlobs(db: Db, sha256s: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < sha256s.length; i += CHUNK) {
    let open = sha256s.slice(i, i + CHUNK);
    for (const [table, column] of REFERENCES) {
      if (open.length === 0) break;
      const rows = await db.selectFrom(table).select(`${column} as sha`).distinct().where(column, 'in', open).execute();
      for (const r of rows) if (r.sha) out.add(r.sha);
      open = open.filter((h) => !out.has(h));
    }
  }
  return out;
}
