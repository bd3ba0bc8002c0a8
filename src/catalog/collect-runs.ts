import { newId } from '../domain/ids.js';
import { notFound } from '../domain/errors.js';
import { now, type Db } from './db.js';
import type { Database } from './schema.js';

/** The history of collection: every run of a channel and what it did with each file. */
export interface CollectCounts { found: number; collected: number; skipped: number; duplicates: number; failed: number }
export type CollectRunStatus = 'queued' | 'running' | 'done' | 'done_with_errors' | 'failed' | 'interrupted';

export interface CollectRun extends CollectCounts {
  id: string; channelId: string; trigger: string; startedBy: string | null; status: CollectRunStatus;
  queuedAt: string; startedAt: string | null; finishedAt: string | null; error: string | null;
}

/** What happened to one file in a run; for e-mail, also to a message ('received': its attachments have their own lines). */
export const OUTCOMES = [
  'collected', 'likely_duplicate', 'changed', 'unchanged', 'already_collected', 'duplicate', 'failed', 'moved_aside_failed',
  'received', 'no_documents', 'refused', 'held', 'malformed', 'too_large', 'not_a_document', 'inline_image', 'unsafe_archive', 'too_deep',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface CollectRunItem { id: number; key: string; path: string; outcome: Outcome; inboxItemId: string | null; error: string | null; at: string }

const toRun = (r: Database['collect_runs']): CollectRun => ({
  id: r.id, channelId: r.channel_id, trigger: r.trigger, startedBy: r.started_by, status: r.status as CollectRunStatus,
  queuedAt: r.queued_at, startedAt: r.started_at, finishedAt: r.finished_at, found: r.found, collected: r.collected,
  skipped: r.skipped, duplicates: r.duplicates, failed: r.failed, error: r.error,
});

export async function queueRun(db: Db, orgId: string, channelId: string, trigger: string, startedBy: string | null): Promise<string> {
  const id = newId('crn');
  await db.insertInto('collect_runs').values({
    id, org_id: orgId, channel_id: channelId, trigger, started_by: startedBy, status: 'queued', queued_at: now(), started_at: null,
    finished_at: null, found: 0, collected: 0, skipped: 0, duplicates: 0, failed: 0, error: null,
  }).execute();
  return id;
}

export async function queuedRun(db: Db, channelId: string): Promise<CollectRun | null> {
  const r = await db.selectFrom('collect_runs').selectAll().where('channel_id', '=', channelId).where('status', '=', 'queued')
    .orderBy('queued_at').orderBy('id').limit(1).executeTakeFirst();
  return r ? toRun(r) : null;
}

/** The run of a channel that is waiting or under way, if any: a run by hand is refused meanwhile. */
export async function activeRun(db: Db, channelId: string): Promise<CollectRun | null> {
  const r = await db.selectFrom('collect_runs').selectAll().where('channel_id', '=', channelId).where('status', 'in', ['queued', 'running'])
    .orderBy('queued_at').orderBy('id').limit(1).executeTakeFirst();
  return r ? toRun(r) : null;
}

/**
 * Channels with a run waiting, or one marked running (perhaps by a process that is gone): what
 * the scheduler looks at when it starts. The job decides whether a running one needs resuming.
 */
export async function channelsWithOpenRuns(db: Db): Promise<Array<{ orgId: string; channelId: string }>> {
  const rows = await db.selectFrom('collect_runs').select(['org_id', 'channel_id']).distinct().where('status', 'in', ['queued', 'running']).execute();
  return rows.map((r) => ({ orgId: r.org_id, channelId: r.channel_id }));
}

export async function startQueuedRun(db: Db, id: string): Promise<void> {
  await db.updateTable('collect_runs').set({ status: 'running', started_at: now() }).where('id', '=', id).execute();
}

export async function updateCollectRun(db: Db, id: string, patch: Partial<CollectCounts> & { status?: CollectRunStatus; error?: string | null; finished?: boolean }): Promise<void> {
  const { finished, ...rest } = patch;
  await db.updateTable('collect_runs').set({ ...rest, ...(finished && { finished_at: now() }) }).where('id', '=', id).execute();
}

/** Adds to a run's counts: for intake that files as messages come (e-mail), beside other work on the same run. */
export async function addToCollectRun(db: Db, id: string, c: CollectCounts): Promise<void> {
  await db.updateTable('collect_runs').set((eb) => ({
    found: eb('found', '+', c.found), collected: eb('collected', '+', c.collected), skipped: eb('skipped', '+', c.skipped),
    duplicates: eb('duplicates', '+', c.duplicates), failed: eb('failed', '+', c.failed),
  })).where('id', '=', id).execute();
}

/** Runs a process died in the middle of: closed as interrupted when the next one starts. */
export async function closeInterruptedCollectRuns(db: Db, channelId: string): Promise<void> {
  await db.updateTable('collect_runs').set({ status: 'interrupted', finished_at: now(), error: 'The process stopped during this run; the next run picked up where it left off.' })
    .where('channel_id', '=', channelId).where('status', '=', 'running').execute();
}

export async function addCollectRunItems(db: Db, runId: string, items: Array<Omit<CollectRunItem, 'id' | 'at'>>): Promise<void> {
  const at = now();
  for (let i = 0; i < items.length; i += 200) {
    await db.insertInto('collect_run_items').values(items.slice(i, i + 200).map((x) => ({
      run_id: runId, item_key: x.key, path: x.path, outcome: x.outcome, inbox_item_id: x.inboxItemId, error: x.error, at,
    }))).execute();
  }
}

export async function listCollectRuns(db: Db, orgId: string, channelId: string, limit: number): Promise<CollectRun[]> {
  const rows = await db.selectFrom('collect_runs').selectAll().where('org_id', '=', orgId).where('channel_id', '=', channelId)
    .orderBy('queued_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map(toRun);
}

export async function getCollectRun(db: Db, orgId: string, id: string): Promise<CollectRun> {
  const r = await db.selectFrom('collect_runs').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound('Collection run', id);
  return toRun(r);
}

export async function listCollectRunItems(db: Db, orgId: string, runId: string, afterId: number, limit: number): Promise<CollectRunItem[]> {
  await getCollectRun(db, orgId, runId);
  const rows = await db.selectFrom('collect_run_items').selectAll().where('run_id', '=', runId).where('id', '>', afterId).orderBy('id').limit(limit).execute();
  return rows.map((r) => ({ id: Number(r.id), key: r.item_key, path: r.path, outcome: r.outcome as Outcome, inboxItemId: r.inbox_item_id, error: r.error, at: r.at }));
}

export interface RunFilter { companyId?: string; channelId?: string; status?: CollectRunStatus[]; before?: { queuedAt: string; id: string } }

/** The runs of every channel of the organization (or of a company, or one channel), newest first, a page at a time. */
export async function listOrgCollectRuns(db: Db, orgId: string, f: RunFilter, limit: number): Promise<Array<CollectRun & { channelName: string; companyId: string }>> {
  let q = db.selectFrom('collect_runs as r').innerJoin('channels as c', 'c.id', 'r.channel_id').selectAll('r')
    .select(['c.name as channel_name', 'c.company_id as channel_company_id']).where('r.org_id', '=', orgId);
  if (f.companyId) q = q.where('c.company_id', '=', f.companyId);
  if (f.channelId) q = q.where('r.channel_id', '=', f.channelId);
  if (f.status?.length) q = q.where('r.status', 'in', f.status);
  const before = f.before;
  if (before) q = q.where((eb) => eb.or([eb('r.queued_at', '<', before.queuedAt), eb.and([eb('r.queued_at', '=', before.queuedAt), eb('r.id', '<', before.id)])]));
  const rows = await q.orderBy('r.queued_at', 'desc').orderBy('r.id', 'desc').limit(limit).execute();
  return rows.map((r) => ({ ...toRun(r), channelName: r.channel_name, companyId: r.channel_company_id }));
}
