import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { ZipFile } from 'yazl';
import type { Db } from '../catalog/db.js';
import { getCompany } from '../catalog/organizations.js';
import { auditHead } from '../audit/log.js';
import { chainPage } from '../catalog/audit.js';
import type { BlobStore } from '../vault/blobs.js';

export interface ExportRequest { companyId: string; from: string; to: string }
export interface ExportSummary { companyId: string; from: string; to: string; documents: number; files: number; bytes: number; auditEntries: number }

const COLUMNS = ['document_id', 'type', 'number', 'date', 'counterparty', 'amount', 'currency', 'version', 'version_id', 'received_at', 'filename', 'mime', 'size', 'sha256', 'path'] as const;
const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const safeName = (s: string) => s.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').slice(0, 150) || 'file';
const PAGE = 500;

/**
 * A ZIP for the accountant or the auditor: every version of every document of the company dated
 * in [from, to] as received (the PDF, the e-invoice XML), an index in CSV and JSON with each
 * file's SHA-256, the organization's audit entries of the period with their chain hashes, and
 * VERIFY.txt. Files are streamed into the ZIP one at a time from the blob store, so memory does
 * not grow with their size; the index is built as the documents are read, a page at a time.
 */
export interface ExportProgress {
  /** Told as each file starts going into the ZIP (`done` of `total` files). */
  onFile?(done: number, total: number): void;
}

/** The documents' versions dated in the period, in version-id order: what an export holds. */
function versionsQuery(db: Db, orgId: string, companyId: string, req: ExportRequest) {
  return db.selectFrom('documents as d').innerJoin('document_versions as v', 'v.document_id', 'd.id')
    .where('d.org_id', '=', orgId).where('d.company_id', '=', companyId).where('d.date', '>=', req.from).where('d.date', '<=', req.to);
}

export async function writeExport(deps: { db: Db; blobs: BlobStore }, orgId: string, req: ExportRequest, out: Writable, progress: ExportProgress = {}): Promise<ExportSummary> {
  const company = await getCompany(deps.db, orgId, req.companyId);
  const total = progress.onFile
    ? Number((await versionsQuery(deps.db, orgId, company.id, req).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
    : 0;
  let opened = 0;
  const zip = new ZipFile();
  const done = pipeline(zip.outputStream, out);
  const summary: ExportSummary = { companyId: company.id, from: req.from, to: req.to, documents: 0, files: 0, bytes: 0, auditEntries: 0 };
  const csv: string[] = [COLUMNS.join(',')];
  const index: Array<Record<string, unknown>> = [];
  let after = '';
  for (;;) {
    const rows = await versionsQuery(deps.db, orgId, company.id, req)
      .select(['d.id', 'd.type', 'd.number', 'd.date', 'd.counterparty', 'd.amount', 'd.currency', 'v.id as version_id', 'v.version', 'v.created_at', 'v.filename', 'v.mime', 'v.size', 'v.sha256'])
      .where('v.id', '>', after).orderBy('v.id').limit(PAGE).execute();
    if (rows.length === 0) break;
    for (const r of rows) {
      const path = `documents/${r.date} ${safeName(r.number ?? 'no number')} ${r.id}/v${r.version} ${safeName(r.filename)}`;
      const size = Number(r.size);
      zip.addReadStreamLazy(path, { mtime: new Date(r.created_at), size }, (cb) => {
        // yazl opens each file when the one before it is written: the count follows the ZIP.
        progress.onFile?.(++opened, Math.max(total, opened));
        cb(null, deps.blobs.open(r.sha256, size));
      });
      const entry = { document_id: r.id, type: r.type, number: r.number, date: r.date, counterparty: r.counterparty, amount: r.amount, currency: r.currency,
        version: r.version, version_id: r.version_id, received_at: r.created_at, filename: r.filename, mime: r.mime, size, sha256: r.sha256, path };
      csv.push(COLUMNS.map((c) => csvCell(entry[c])).join(','));
      index.push(entry);
      summary.files++; summary.bytes += size;
    }
    after = rows.at(-1)!.version_id;
  }
  summary.documents = new Set(index.map((e) => e.document_id)).size;

  // The entries written in the period, and every entry about an exported document whenever it was written.
  const audit: string[] = [];
  const exported = new Set(index.map((e) => e.document_id as string));
  const since = `${req.from}T00:00:00.000Z`;
  const until = new Date(Date.parse(`${req.to}T00:00:00Z`) + 86_400_000).toISOString();
  let seq = 0;
  for (;;) {
    const rows = await chainPage(deps.db, orgId, seq, 5_000);
    if (rows.length === 0) break;
    for (const r of rows) if ((r.at >= since && r.at < until) || (r.object_id && exported.has(r.object_id))) audit.push(JSON.stringify(r));
    seq = rows.at(-1)!.seq;
  }
  summary.auditEntries = audit.length;
  const head = await auditHead(deps.db, orgId);

  zip.addBuffer(Buffer.from(csv.join('\r\n') + '\r\n'), 'index.csv');
  zip.addBuffer(Buffer.from(JSON.stringify({ company: { id: company.id, name: company.name }, from: req.from, to: req.to, exportedAt: new Date().toISOString(), auditHead: head, files: index }, null, 1)), 'index.json');
  zip.addBuffer(Buffer.from(audit.join('\n') + (audit.length ? '\n' : '')), 'audit.jsonl');
  zip.addBuffer(Buffer.from(verifyText(company.name, req, head)), 'VERIFY.txt');
  zip.end();
  await done;
  return summary;
}

function verifyText(company: string, req: ExportRequest, head: { seq: number; hash: string }): string {
  return `Dossier export of ${company}, documents dated ${req.from} to ${req.to}.

1. The files. Every version of every document is under documents/, as it was received.
   index.csv and index.json list each file with its SHA-256. Check them, for example:
     sha256sum "documents/<folder>/<file>"      (Linux)
     shasum -a 256 "documents/<folder>/<file>"  (macOS)
     Get-FileHash -Algorithm SHA256 <file>      (Windows PowerShell)
   and compare with the sha256 column of the same path.

2. The audit log. audit.jsonl holds the organization's audit entries written in the period and
   every entry about an exported document, one JSON object a line, in order (seq). Each entry's hash is SHA-256 (hex) of the UTF-8 text of the
   JSON array
     [1, org_id, seq, at, type, actor_kind, actor_id, object_type, object_id, company_id, details, prev_hash]
   written without spaces (details is the text as stored, itself JSON), and prev_hash is the
   hash of the entry before it (64 zeros for the first entry of the chain). Recompute each hash;
   where seq numbers follow each other, an entry's prev_hash must equal the previous entry's
   hash. A gap in seq is an entry left out of this export (another period, another company):
   the whole chain is checked with the command below, or exported in full on request.

3. The head. When this export was made the chain ended at entry ${head.seq} with hash
   ${head.hash}. Compare with a head kept elsewhere (the daily audit.head entries, or the copy
   your host application received) to see that nothing was cut off.

Dossier itself checks the whole chain with: dossier audit verify
`;
}
