// npm run bench:audit [-- --entries N] [--postgres]: `audit verify` over a chain of N entries (default
// 1,000,000), next to a peer on the same rows: reading them all by seq pages without hashing (and
// the verifier's own read without hashing, for what the hashing costs).
// Goal: under 10 s for a million entries, memory flat (peak RSS printed).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, openDatabase } from '../src/catalog/db.js';
import { createOrganization } from '../src/catalog/organizations.js';
import { chainPage, readChain } from '../src/catalog/audit.js';
import { recordAudit } from '../src/audit/log.js';
import { verifyChain } from '../src/audit/verify.js';
import type { AuditEvent } from '../src/domain/audit.js';
import { freshPostgres } from '../test/helpers/databases.js';

const arg = (name: string) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : undefined; };
const entries = Number(arg('--entries') ?? 1_000_000);
const postgres = process.argv.includes('--postgres');

const dir = await mkdtemp(join(tmpdir(), 'dossier-bench-audit-'));
const pgDb = postgres ? await freshPostgres() : null;
const db = openDatabase(pgDb ? { url: pgDb.url, sqlitePath: '' } : { sqlitePath: join(dir, 'bench.db') });
await migrate(db);
const orgId = await createOrganization(db, 'Bench');

let t = performance.now();
const BATCH = 5_000;
for (let done = 0; done < entries; done += BATCH) {
  const batch: AuditEvent[] = Array.from({ length: Math.min(BATCH, entries - done) }, (_, i) => ({
    type: 'transfer.verified', actor: { kind: 'system', id: null }, objectType: 'document', objectId: `doc_${done + i}`, companyId: 'cmp_bench',
    details: { destinationId: 'dst_bench', sha256: 'ab'.repeat(32), size: 12345, remotePath: `Acme/2024/Invoices/F-${done + i}.pdf` },
  }));
  await recordAudit(db, orgId, batch);
}
console.log(`built a chain of ${entries.toLocaleString('en')} entries on ${postgres ? 'PostgreSQL' : 'SQLite'} in ${((performance.now() - t) / 1000).toFixed(1)} s`);

// Sampled between pages: SQLite answers synchronously, so a timer would not get a turn.
let peak = 0;
const sample = () => { peak = Math.max(peak, process.memoryUsage().rss); };

t = performance.now();
let rows = 0;
for (let seq = 0; ;) {
  const page = await chainPage(db, orgId, seq, 5_000);
  if (page.length === 0) break;
  rows += page.length;
  sample();
  seq = page.at(-1)!.seq;
}
const peer = (performance.now() - t) / 1000;

// The verifier's own read (one snapshot, one ordered scan) without the hashing: what reading costs.
t = performance.now();
let scanned = 0;
await readChain(db, orgId, (_head, page) => { scanned += page.length; sample(); return true; });
const scan = (performance.now() - t) / 1000;

t = performance.now();
const report = await verifyChain(db, orgId, sample);
const verify = (performance.now() - t) / 1000;

console.log(`peer: read ${rows.toLocaleString('en')} rows by seq pages, no hashing: ${peer.toFixed(2)} s`);
console.log(`the verifier's read alone (one snapshot, one ordered scan), no hashing: ${scanned.toLocaleString('en')} rows in ${scan.toFixed(2)} s`);
console.log(`audit verify: ${report.ok ? 'chain holds' : `BROKEN at ${report.firstFailure?.seq}`}, ${report.entries.toLocaleString('en')} entries in ${verify.toFixed(2)} s `
  + `(${Math.round(report.entries / verify).toLocaleString('en')} entries/s, ${(verify / peer).toFixed(2)}x the peer; goal < 10 s for 1,000,000)`);
console.log(`peak RSS while reading: ${(peak / 1024 / 1024).toFixed(0)} MiB`);
await db.destroy();
await pgDb?.drop();
await rm(dir, { recursive: true, force: true });
