import { newId } from '../domain/ids.js';
import { notFound } from '../domain/errors.js';
import type { DestinationState } from '../domain/destinations.js';
import { now, type Db } from './db.js';
import type { Database } from './schema.js';

/** Connections (credentials, encrypted by the caller) and the destinations that use them. */
export interface ConnectionRow { id: string; orgId: string; kind: string; label: string; settings: Record<string, unknown>; secrets: string | null; state: string }

export async function insertConnection(db: Db, orgId: string, c: { kind: string; label: string; settings: Record<string, unknown>; secrets: string | null }): Promise<string> {
  const id = newId('con'), at = now();
  await db.insertInto('connections').values({ id, org_id: orgId, kind: c.kind, label: c.label, settings: JSON.stringify(c.settings), secrets: c.secrets, created_at: at, updated_at: at }).execute();
  return id;
}

export async function getConnection(db: Db, orgId: string, id: string): Promise<ConnectionRow> {
  const r = await db.selectFrom('connections').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound('Connection', id);
  return { id: r.id, orgId: r.org_id, kind: r.kind, label: r.label, settings: JSON.parse(r.settings), secrets: r.secrets, state: r.state };
}

export async function updateConnectionSettings(db: Db, orgId: string, id: string, settings: Record<string, unknown>, secrets?: string | null): Promise<void> {
  await db.updateTable('connections').set({ settings: JSON.stringify(settings), ...(secrets !== undefined && { secrets }), updated_at: now() })
    .where('org_id', '=', orgId).where('id', '=', id).execute();
}

/** Forgets the credentials: what "remove" and "disconnect" promise. */
export async function deleteConnectionSecrets(db: Db, orgId: string, id: string): Promise<void> {
  await db.updateTable('connections').set({ secrets: null, settings: '{}', updated_at: now() }).where('org_id', '=', orgId).where('id', '=', id).execute();
}

export interface DestinationRow {
  id: string; orgId: string; companyId: string; name: string; kind: string; connectionId: string;
  layout: string; startDate: string | null; schedule: string; restoreDeleted: boolean; respectFolderDeletions: boolean;
  state: DestinationState | 'removed'; stateReason: string | null; cursorSeq: number; lastRunId: string | null;
  /** This destination's own settings over its connection's (the chosen folder); null when the connection is its alone. */
  settings: Record<string, unknown> | null;
  createdAt: string; updatedAt: string;
}

const toDestination = (r: Database['destinations']): DestinationRow => ({
  id: r.id, orgId: r.org_id, companyId: r.company_id, name: r.name, kind: r.kind, connectionId: r.connection_id,
  layout: r.layout, startDate: r.start_date, schedule: r.schedule, restoreDeleted: r.restore_deleted === 1,
  respectFolderDeletions: r.respect_folder_deletions === 1, state: r.state as DestinationRow['state'], stateReason: r.state_reason,
  cursorSeq: Number(r.cursor_seq), lastRunId: r.last_run_id, settings: r.settings ? JSON.parse(r.settings) : null,
  createdAt: r.created_at, updatedAt: r.updated_at,
});

export type NewDestination = Pick<DestinationRow, 'companyId' | 'name' | 'kind' | 'connectionId' | 'layout' | 'startDate' | 'schedule' | 'restoreDeleted' | 'respectFolderDeletions'>
  & { settings?: Record<string, unknown> | null };

export async function insertDestination(db: Db, orgId: string, d: NewDestination): Promise<DestinationRow> {
  const id = newId('dst'), at = now();
  await db.insertInto('destinations').values({
    id, org_id: orgId, company_id: d.companyId, name: d.name, kind: d.kind, connection_id: d.connectionId, layout: d.layout,
    start_date: d.startDate, schedule: d.schedule, restore_deleted: d.restoreDeleted ? 1 : 0,
    respect_folder_deletions: d.respectFolderDeletions ? 1 : 0, state: 'active', state_reason: null, cursor_seq: 0,
    lease_owner: null, lease_until: null, last_run_id: null, created_at: at, updated_at: at,
    settings: d.settings ? JSON.stringify(d.settings) : null,
  }).execute();
  return getDestination(db, orgId, id);
}

export async function getDestination(db: Db, orgId: string, id: string): Promise<DestinationRow> {
  const r = await db.selectFrom('destinations').selectAll().where('org_id', '=', orgId).where('id', '=', id).where('state', '!=', 'removed').executeTakeFirst();
  if (!r) throw notFound('Destination', id);
  return toDestination(r);
}

export async function listDestinations(db: Db, orgId: string, companyId?: string): Promise<DestinationRow[]> {
  let q = db.selectFrom('destinations').selectAll().where('org_id', '=', orgId).where('state', '!=', 'removed');
  if (companyId) q = q.where('company_id', '=', companyId);
  return (await q.orderBy('created_at').orderBy('id').execute()).map(toDestination);
}

/** Every live destination of every organization: what the scheduler starts from. */
export async function allActiveDestinations(db: Db): Promise<DestinationRow[]> {
  return (await db.selectFrom('destinations').selectAll().where('state', '=', 'active').execute()).map(toDestination);
}

export async function updateDestination(db: Db, orgId: string, id: string, patch: Partial<Omit<DestinationRow, 'id' | 'orgId' | 'createdAt' | 'updatedAt'>>): Promise<DestinationRow> {
  const set: Partial<Database['destinations']> = { updated_at: now() };
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.layout !== undefined) set.layout = patch.layout;
  if (patch.startDate !== undefined) set.start_date = patch.startDate;
  if (patch.schedule !== undefined) set.schedule = patch.schedule;
  if (patch.restoreDeleted !== undefined) set.restore_deleted = patch.restoreDeleted ? 1 : 0;
  if (patch.respectFolderDeletions !== undefined) set.respect_folder_deletions = patch.respectFolderDeletions ? 1 : 0;
  if (patch.state !== undefined) set.state = patch.state;
  if (patch.stateReason !== undefined) set.state_reason = patch.stateReason;
  if (patch.cursorSeq !== undefined) set.cursor_seq = patch.cursorSeq;
  if (patch.lastRunId !== undefined) set.last_run_id = patch.lastRunId;
  await db.updateTable('destinations').set(set).where('org_id', '=', orgId).where('id', '=', id).execute();
  return toDestination(await db.selectFrom('destinations').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
}

