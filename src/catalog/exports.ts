import { newId } from '../domain/ids.js';
import { notFound } from '../domain/errors.js';
import { now, type Db } from './db.js';

/**
 * Exports made as jobs (migration 022): queued, running with progress, then done with the blob
 * that holds the ZIP, or failed with why. A row lives until `expires_at`; the storage clean-up
 * removes the ZIP's blob once no row refers to it any more.
 */
export type ExportState = 'queued' | 'running' | 'done' | 'failed';
export interface ExportRow {
  id: string; orgId: string; companyId: string; from: string; to: string; state: ExportState; done: number; total: number;
  sha256: string | null; size: number | null; summary: Record<string, unknown> | null; error: string | null;
  createdBy: string | null; createdAt: string; finishedAt: string | null; expiresAt: string;
}

type Record_ = { id: string; org_id: string; company_id: string; from_day: string; to_day: string; state: string; done: number; total: number;
  sha256: string | null; size: number | null; summary: string | null; error: string | null; created_by: string | null; created_at: string;
  finished_at: string | null; expires_at: string };
const toRow = (r: Record_): ExportRow => ({
  id: r.id, orgId: r.org_id, companyId: r.company_id, from: r.from_day, to: r.to_day, state: r.state as ExportState, done: Number(r.done), total: Number(r.total),
  sha256: r.sha256, size: r.size === null ? null : Number(r.size), summary: r.summary ? JSON.parse(r.summary) as Record<string, unknown> : null, error: r.error,
  createdBy: r.created_by, createdAt: r.created_at, finishedAt: r.finished_at, expiresAt: r.expires_at,
});

export async function insertExport(db: Db, orgId: string, e: { companyId: string; from: string; to: string; createdBy: string | null; expiresAt: string }): Promise<ExportRow> {
  const row = {
    id: newId('exp'), org_id: orgId, company_id: e.companyId, from_day: e.from, to_day: e.to, state: 'queued', done: 0, total: 0,
    sha256: null, size: null, summary: null, error: null, created_by: e.createdBy, created_at: now(), finished_at: null, expires_at: e.expiresAt,
  };
  await db.insertInto('exports').values(row).execute();
  return toRow(row);
}

export async function getExport(db: Db, orgId: string, id: string): Promise<ExportRow> {
  const r = await db.selectFrom('exports').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound('Export', id);
  return toRow(r);
}

export async function listExports(db: Db, orgId: string, limit = 50): Promise<ExportRow[]> {
  return (await db.selectFrom('exports').selectAll().where('org_id', '=', orgId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute()).map(toRow);
}

/** Progress of a running export; a row finished meanwhile (a second run of the job) is left alone. */
export async function markExport(db: Db, id: string, p: { state: 'running'; done: number; total: number }): Promise<void> {
  await db.updateTable('exports').set({ state: p.state, done: p.done, total: p.total }).where('id', '=', id).where('state', 'in', ['queued', 'running']).execute();
}

export async function finishExport(db: Db, id: string, f: { sha256: string; size: number; done: number; summary: Record<string, unknown> }): Promise<void> {
  await db.updateTable('exports').set({ state: 'done', sha256: f.sha256, size: f.size, done: f.done, total: f.done, summary: JSON.stringify(f.summary), error: null, finished_at: now() })
    .where('id', '=', id).execute();
}

export async function failExport(db: Db, id: string, error: string): Promise<void> {
  await db.updateTable('exports').set({ state: 'failed', error, finished_at: now() }).where('id', '=', id).where('state', '!=', 'done').execute();
}

/** Removes the rows expired before `at`; their blobs are left to the storage clean-up. */
export async function removeExpiredExports(db: Db, at: string): Promise<number> {
  const res = await db.deleteFrom('exports').where('expires_at', '<', at).executeTakeFirst();
  return Number(res.numDeletedRows);
}
