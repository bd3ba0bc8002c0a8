import { foldName } from '../domain/names.js';
import { sql } from 'kysely';
import { newId } from '../domain/ids.js';
import { notFound } from '../domain/errors.js';
import { now, type Db } from './db.js';
import type { Database } from './schema.js';

/**
 * The deliveries ledger: one row per (destination, document) saying which version is where.
 * It is the truth of what a destination holds; a row is `synced` only after the destination's
 * own hash of the file was read back and matched.
 */
export type DeliveryState = 'pending' | 'synced' | 'failed';

export interface Delivery {
  destinationId: string; documentId: string; versionId: string | null; remotePath: string | null;
  intentPath: string | null; sha256: string | null; size: number | null; state: DeliveryState;
  error: string | null; attempts: number; syncedAt: string | null;
}

const toDelivery = (r: Database['deliveries']): Delivery => ({
  destinationId: r.destination_id, documentId: r.document_id, versionId: r.version_id, remotePath: r.remote_path,
  intentPath: r.intent_path, sha256: r.sha256, size: r.size === null ? null : Number(r.size), state: r.state as DeliveryState,
  error: r.error, attempts: r.attempts, syncedAt: r.synced_at,
});

export async function deliveriesFor(db: Db, destinationId: string, documentIds: string[]): Promise<Map<string, Delivery>> {
  const out = new Map<string, Delivery>();
  for (let i = 0; i < documentIds.length; i += 500) {
    const rows = await db.selectFrom('deliveries').selectAll().where('destination_id', '=', destinationId)
      .where('document_id', 'in', documentIds.slice(i, i + 500)).execute();
    for (const r of rows) out.set(r.document_id, toDelivery(r));
  }
  return out;
}

/** Documents whose delivery is not done (failed, or interrupted mid-transfer). */
export async function unfinishedDeliveries(db: Db, destinationId: string, limit: number): Promise<string[]> {
  const rows = await db.selectFrom('deliveries').select('document_id').where('destination_id', '=', destinationId)
    // The two states by name, not "not synced": the (destination, state) index then reads only
    // these rows, where != walked every delivery of the destination (a million at a large firm).
    .where('state', 'in', ['pending', 'failed']).limit(limit).execute();
  return rows.map((r) => r.document_id);
}

/** Every synced delivery, a page at a time in path order: what verify compares the listing with. */
export async function syncedDeliveries(db: Db, destinationId: string, afterDocumentId: string, limit: number): Promise<Delivery[]> {
  const rows = await db.selectFrom('deliveries').selectAll().where('destination_id', '=', destinationId).where('state', '=', 'synced')
    .where('document_id', '>', afterDocumentId).orderBy('document_id').limit(limit).execute();
  return rows.map(toDelivery);
}

/** All remote paths this destination has (or may have, mid-transfer) written: the taken names. */
export async function remotePaths(db: Db, destinationId: string): Promise<Array<{ documentId: string; path: string }>> {
  const rows = await db.selectFrom('deliveries').select(['document_id', 'remote_path', 'intent_path']).where('destination_id', '=', destinationId).execute();
  const out: Array<{ documentId: string; path: string }> = [];
  for (const r of rows) {
    if (r.remote_path) out.push({ documentId: r.document_id, path: r.remote_path });
    if (r.intent_path && r.intent_path !== r.remote_path) out.push({ documentId: r.document_id, path: r.intent_path });
  }
  return out;
}

/**
 * The documents holding (or about to write) any of these names at a destination, by the
 * names' lower-case fold: a superset of what a case-sensitive destination counts as the same
 * name, which the caller narrows. Two index lookups per 250 names, however many the
 * destination holds.
 */
export async function namesTaken(db: Db, destinationId: string, folds: string[]): Promise<Array<{ documentId: string; path: string }>> {
  const out: Array<{ documentId: string; path: string }> = [];
  const unique = [...new Set(folds)];
  for (let i = 0; i < unique.length; i += 250) {
    const chunk = unique.slice(i, i + 250);
    const rows = await db.selectFrom('deliveries').select(['document_id', 'remote_path', 'intent_path']).where('destination_id', '=', destinationId)
      .where((eb) => eb.or([eb('remote_fold', 'in', chunk), eb('intent_fold', 'in', chunk)])).execute();
    for (const r of rows) {
      if (r.remote_path) out.push({ documentId: r.document_id, path: r.remote_path });
      if (r.intent_path && r.intent_path !== r.remote_path) out.push({ documentId: r.document_id, path: r.intent_path });
    }
  }
  return out;
}

/**
 * Records where transfers are about to write, before they write: a crash leaves a trail to
 * clean. One statement per 500 rows, so a page of transfers costs a few statements, not one each.
 */
export async function recordIntents(db: Db, orgId: string, destinationId: string, intents: Array<{ documentId: string; path: string }>): Promise<void> {
  const at = now();
  for (let i = 0; i < intents.length; i += 500) {
    await db.insertInto('deliveries').values(intents.slice(i, i + 500).map((x) => ({
      destination_id: destinationId, document_id: x.documentId, org_id: orgId, version_id: null, remote_path: null,
      intent_path: x.path, intent_fold: foldName(x.path), remote_id: null, sha256: null, size: null, state: 'pending', error: null, attempts: 0, synced_at: null, updated_at: at,
    }))).onConflict((oc) => oc.columns(['destination_id', 'document_id']).doUpdateSet((eb) => ({
      intent_path: eb.ref('excluded.intent_path'), intent_fold: eb.ref('excluded.intent_fold'), updated_at: at,
    }))).execute();
  }
}

export interface SyncedDelivery { documentId: string; versionId: string; remotePath: string; remoteId: string | null; sha256: string; size: number }

/** Marks verified transfers synced, many rows per statement (each row's intent is already there). */
export async function markSyncedMany(db: Db, orgId: string, destinationId: string, rows: SyncedDelivery[]): Promise<void> {
  const at = now();
  for (let i = 0; i < rows.length; i += 500) {
    await db.insertInto('deliveries').values(rows.slice(i, i + 500).map((d) => ({
      destination_id: destinationId, document_id: d.documentId, org_id: orgId, version_id: d.versionId, remote_path: d.remotePath, remote_fold: foldName(d.remotePath),
      intent_path: null, intent_fold: null, remote_id: d.remoteId, sha256: d.sha256, size: d.size, state: 'synced', error: null, attempts: 0, synced_at: at, updated_at: at,
    }))).onConflict((oc) => oc.columns(['destination_id', 'document_id']).doUpdateSet((eb) => ({
      version_id: eb.ref('excluded.version_id'), remote_path: eb.ref('excluded.remote_path'), remote_fold: eb.ref('excluded.remote_fold'), remote_id: eb.ref('excluded.remote_id'),
      sha256: eb.ref('excluded.sha256'), size: eb.ref('excluded.size'), intent_path: null, intent_fold: null, state: 'synced', error: null, attempts: 0,
      // A new upload carries the lock of its moment: what the Object Lock pass knew of the old object no longer holds.
      lock_until: null, lock_hold: null,
      synced_at: at, updated_at: at,
    }))).execute();
  }
}

export async function markFailed(db: Db, destinationId: string, documentId: string, error: string): Promise<void> {
  await db.updateTable('deliveries').set({ state: 'failed', error, attempts: sql`attempts + 1`, updated_at: now() })
    .where('destination_id', '=', destinationId).where('document_id', '=', documentId).execute();
}

/** A user asked for these documents to be sent again: the next pass uploads them whatever the ledger said. */
export async function markToResend(db: Db, destinationId: string, documentIds: string[]): Promise<void> {
  for (let i = 0; i < documentIds.length; i += 500) {
    await db.updateTable('deliveries').set({ state: 'pending', error: null, updated_at: now() })
      .where('destination_id', '=', destinationId).where('document_id', 'in', documentIds.slice(i, i + 500)).execute();
  }
}

/** Verify found the file gone or altered: the row goes back to pending so the next pass restores it. */
export async function markMissing(db: Db, destinationId: string, documentId: string, why: string): Promise<void> {
  await db.updateTable('deliveries').set({ state: 'pending', error: why, updated_at: now() })
    .where('destination_id', '=', destinationId).where('document_id', '=', documentId).execute();
}

/** Forget a delivery on purpose (respected folder deletion): the document is not sent again. */
export async function markAbandoned(db: Db, destinationId: string, documentId: string, why: string): Promise<void> {
  await db.updateTable('deliveries').set({ state: 'synced', error: why, remote_path: null, remote_fold: null, updated_at: now() })
    .where('destination_id', '=', destinationId).where('document_id', '=', documentId).execute();
}

/**
 * How far a destination is, over every document it is to hold (its company's, from its start
 * date on), in one query: the ledger has rows only for documents a pass has reached, a page at
 * a time, so counting rows alone would leave the rest of a first copy out of `pending`. Synced
 * means the current version is there; a document with no row, or an older version there, is pending.
 */
export async function deliveryCounts(db: Db, dst: { id: string; companyId: string; startDate: string | null }): Promise<Record<DeliveryState, number>> {
  let q = db.selectFrom('documents as doc')
    .leftJoin('deliveries as d', (j) => j.onRef('d.document_id', '=', 'doc.id').on('d.destination_id', '=', dst.id))
    .select(sql<DeliveryState>`case when d.state = 'failed' then 'failed' when d.state = 'synced' and d.version_id = doc.current_version_id then 'synced' else 'pending' end`.as('bucket'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('doc.company_id', '=', dst.companyId);
  if (dst.startDate) q = q.where('doc.date', '>=', dst.startDate);
  const rows = await q.groupBy('bucket').execute();
  const out: Record<DeliveryState, number> = { pending: 0, synced: 0, failed: 0 };
  for (const r of rows) out[r.bucket] = Number(r.n);
  return out;
}

export async function deliveriesOfDocument(db: Db, orgId: string, documentId: string): Promise<Delivery[]> {
  const rows = await db.selectFrom('deliveries').selectAll().where('org_id', '=', orgId).where('document_id', '=', documentId).execute();
  return rows.map(toDelivery);
}

// ---- runs and their per-file outcomes ----

export interface RunCounts { planned: number; uploaded: number; moved: number; restored: number; removed: number; failed: number; bytes: number }
export interface Run extends RunCounts {
  id: string; destinationId: string; trigger: string; status: string; startedAt: string; finishedAt: string | null; error: string | null;
}

const toRun = (r: Database['runs']): Run => ({
  id: r.id, destinationId: r.destination_id, trigger: r.trigger, status: r.status, startedAt: r.started_at, finishedAt: r.finished_at,
  planned: r.planned, uploaded: r.uploaded, moved: r.moved, restored: r.restored, removed: r.removed, failed: r.failed,
  bytes: Number(r.bytes), error: r.error,
});

/**
 * Starts a run: closes the runs a dead process left running, records the new one and makes it
 * the destination's last run, in one transaction (one commit, where three statements on their
 * own cost three on a pass that sends ten files).
 */
export async function startRun(db: Db, orgId: string, destinationId: string, trigger: string): Promise<string> {
  const id = newId('run');
  const at = now();
  await db.transaction().execute(async (trx) => {
    await closeInterruptedRuns(trx, destinationId);
    await trx.insertInto('runs').values({
      id, org_id: orgId, destination_id: destinationId, trigger, status: 'running', started_at: at, finished_at: null,
      planned: 0, uploaded: 0, moved: 0, restored: 0, removed: 0, failed: 0, bytes: 0, error: null,
    }).execute();
    await trx.updateTable('destinations').set({ last_run_id: id, updated_at: at }).where('org_id', '=', orgId).where('id', '=', destinationId).execute();
  });
  return id;
}

/**
 * A page of a pass is done, or the whole pass (with `status`): the run's counts, and the cursor
 * past the page when there is one, committed together.
 */
export async function recordRunProgress(db: Db, p: { orgId: string; destinationId: string; runId: string; counts: RunCounts; cursorSeq: number | null; status?: string }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await updateRun(trx, p.runId, { ...p.counts, ...(p.status !== undefined && { status: p.status, finished: true }) });
    if (p.cursorSeq !== null) {
      await trx.updateTable('destinations').set({ cursor_seq: p.cursorSeq, updated_at: now() }).where('org_id', '=', p.orgId).where('id', '=', p.destinationId).execute();
    }
  });
}

export async function updateRun(db: Db, id: string, patch: Partial<RunCounts> & { status?: string; error?: string | null; finished?: boolean }): Promise<void> {
  const { finished, ...rest } = patch;
  await db.updateTable('runs').set({ ...rest, ...(finished && { finished_at: now() }) }).where('id', '=', id).execute();
}

/** Runs a process died in the middle of: closed as interrupted when the next one starts. */
export async function closeInterruptedRuns(db: Db, destinationId: string): Promise<void> {
  await db.updateTable('runs').set({ status: 'interrupted', finished_at: now(), error: 'The process stopped during this run; the next run picked up where it left off.' })
    .where('destination_id', '=', destinationId).where('status', '=', 'running').execute();
}

export async function addRunItems(db: Db, items: Array<{ runId: string; documentId: string | null; action: string; outcome: string; remotePath: string | null; bytes: number; error: string | null }>): Promise<void> {
  if (items.length === 0) return;
  const at = now();
  for (let i = 0; i < items.length; i += 500) {
    await db.insertInto('run_items').values(items.slice(i, i + 500).map((x) => ({
      run_id: x.runId, document_id: x.documentId, action: x.action, outcome: x.outcome, remote_path: x.remotePath, bytes: x.bytes, error: x.error, at,
    }))).execute();
  }
}

export async function listRuns(db: Db, orgId: string, destinationId: string, limit: number): Promise<Run[]> {
  const rows = await db.selectFrom('runs').selectAll().where('org_id', '=', orgId).where('destination_id', '=', destinationId)
    .orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map(toRun);
}

export async function getRun(db: Db, orgId: string, runId: string): Promise<Run> {
  const r = await db.selectFrom('runs').selectAll().where('org_id', '=', orgId).where('id', '=', runId).executeTakeFirst();
  if (!r) throw notFound('Run', runId);
  return toRun(r);
}

export async function listRunItems(db: Db, orgId: string, runId: string, afterId: number, limit: number) {
  await getRun(db, orgId, runId);
  const rows = await db.selectFrom('run_items').selectAll().where('run_id', '=', runId).where('id', '>', afterId).orderBy('id').limit(limit).execute();
  return rows.map((r) => ({ id: Number(r.id), documentId: r.document_id, action: r.action, outcome: r.outcome, remotePath: r.remote_path, bytes: Number(r.bytes), error: r.error, at: r.at }));
}
