import { PassThrough } from 'node:stream';
import type { Logger } from 'pino';
import type { Db } from '../catalog/db.js';
import { getCompany } from '../catalog/organizations.js';
import { failExport, finishExport, getExport, insertExport, listExports, markExport, removeExpiredExports, type ExportRow } from '../catalog/exports.js';
import { DomainError } from '../domain/errors.js';
import type { LiveEvents } from '../events/live.js';
import type { JobQueue } from '../jobs/queue.js';
import type { BlobStore } from '../vault/blobs.js';
import { writeExport, type ExportRequest } from './export.js';

export const EXPORT_JOB = 'export.make';
export const DEFAULT_EXPORT_KEEP_DAYS = 7;
/** Live progress at most this often: an export of thousands of files would otherwise send an event per file. */
const PROGRESS_EVERY_MS = 250;

export interface ExportJobDeps {
  db: Db; blobs: BlobStore; queue: JobQueue; events?: LiveEvents; log: Logger;
  /** How long a made export can be downloaded (DOSSIER_EXPORT_KEEP_DAYS). */
  keepMs: number;
}

/**
 * Exports made as jobs, for the API and the web app: the same ZIP as `dossier export`, written
 * by a worker straight into the blob store (streamed, so memory stays flat and every process
 * sharing the store can serve the download), with its progress on the live events and in its
 * row. A job run twice (a worker killed mid-way, the queue's at-least-once) writes the ZIP
 * again from the start; the bytes are content-addressed, so nothing is left half-written.
 */
export class ExportService {
  constructor(private readonly deps: ExportJobDeps) {}

  async start(orgId: string, createdBy: string | null, req: ExportRequest): Promise<ExportRow> {
    if (req.from > req.to) throw new DomainError('invalid_input', '`from` must not come after `to`.', { reason: 'export_period_reversed' });
    await getCompany(this.deps.db, orgId, req.companyId);
    const row = await insertExport(this.deps.db, orgId, { ...req, createdBy, expiresAt: new Date(Date.now() + this.deps.keepMs).toISOString() });
    await this.deps.queue.send(EXPORT_JOB, { orgId, exportId: row.id }, { singletonKey: row.id });
    return row;
  }

  get(orgId: string, id: string): Promise<ExportRow> {
    return getExport(this.deps.db, orgId, id);
  }

  list(orgId: string): Promise<ExportRow[]> {
    return listExports(this.deps.db, orgId);
  }

  /** The made ZIP, for the download; refused while it is being made or when it failed. */
  async download(orgId: string, id: string): Promise<{ row: ExportRow; stream: NodeJS.ReadableStream }> {
    const row = await getExport(this.deps.db, orgId, id);
    if (row.state !== 'done' || !row.sha256) {
      throw new DomainError('conflict', row.state === 'failed' ? `This export failed: ${row.error ?? 'unknown reason'}. Start a new one.` : 'This export is still being made: wait until its state is done.',
        row.state === 'failed' ? { reason: 'export_failed', params: { message: row.error ?? '' } } : { reason: 'export_not_ready' });
    }
    return { row, stream: this.deps.blobs.open(row.sha256, row.size ?? undefined) };
  }

  /** The job's handler (registered by workers). */
  async runJob(data: { orgId: string; exportId: string }): Promise<void> {
    const row = await getExport(this.deps.db, data.orgId, data.exportId).catch(() => null);
    if (!row || row.state === 'done' || row.state === 'failed') return; // expired, or made already
    const emit = this.deps.events ? (e: Parameters<LiveEvents['emit']>[0]) => this.deps.events!.emit(e) : () => undefined;
    let last = 0;
    let progress = { done: 0, total: 0 };
    let writing = Promise.resolve();
    const report = (done: number, total: number) => {
      progress = { done, total };
      const at = Date.now();
      if (at - last < PROGRESS_EVERY_MS && done < total) return;
      last = at;
      emit({ type: 'export.progress', orgId: row.orgId, exportId: row.id, done, total });
      // One write at a time, in order; a lost progress row costs nothing (the next one follows).
      writing = writing.then(() => markExport(this.deps.db, row.id, { state: 'running', ...progress })).catch(() => undefined);
    };
    try {
      await markExport(this.deps.db, row.id, { state: 'running', done: 0, total: 0 });
      const body = new PassThrough();
      const [summary, stored] = await Promise.all([
        writeExport(this.deps, row.orgId, { companyId: row.companyId, from: row.from, to: row.to }, body, { onFile: report }),
        this.deps.blobs.put(body),
      ]);
      await writing;
      await finishExport(this.deps.db, row.id, { sha256: stored.sha256, size: stored.size, done: summary.files, summary: { ...summary } });
      emit({ type: 'export.progress', orgId: row.orgId, exportId: row.id, done: summary.files, total: summary.files });
      emit({ type: 'export.finished', orgId: row.orgId, exportId: row.id, state: 'done', done: summary.files });
    } catch (err) {
      await writing;
      const message = err instanceof Error ? err.message : String(err);
      this.deps.log.error({ err, export: row.id }, 'an export failed');
      await failExport(this.deps.db, row.id, message);
      emit({ type: 'export.finished', orgId: row.orgId, exportId: row.id, state: 'failed', done: progress.done });
    }
  }

  /** Removes expired exports (their ZIPs go with the next storage clean-up); answers how many. */
  removeExpired(at: Date = new Date()): Promise<number> {
    return removeExpiredExports(this.deps.db, at.toISOString());
  }
}
