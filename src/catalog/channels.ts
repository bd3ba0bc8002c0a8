import { newId } from '../domain/ids.js';
import { DomainError, notFound } from '../domain/errors.js';
import type { ChannelKind, ChannelOptions, ChannelState } from '../domain/channels.js';
import type { Language } from '../domain/documents.js';
import { now, type Db } from './db.js';
import type { Database } from './schema.js';

/** Binders and collection channels. Every call is scoped to one organization. */
export interface Binder { id: string; companyId: string; name: string; createdAt: string }

export interface Channel {
  id: string; orgId: string; companyId: string; name: string; kind: ChannelKind;
  /** The client's account or server; null until the client connects it. */
  connectionId: string | null;
  /** The source folder, as the connector sees it (below the account's top, or the server's path). */
  folder: string | null;
  recipientId: string; binderId: string;
  /** Daily collection time, HH:MM in the company's time zone. */
  collectAt: string;
  moveCollected: boolean;
  clientEmail: string | null; clientName: string | null;
  /** The language the client reads their mails in; null: the company's. */
  clientLanguage: Language | null;
  state: ChannelState | 'removed'; stateReason: string | null;
  /** The change feed's position, stored only after the changes it covered are in the ledger. */
  cursor: string | null;
  lastRunId: string | null; createdBy: string | null; createdAt: string; updatedAt: string;
  /** What only some kinds have (an e-mail channel's allow-list, ...); {} for the others. */
  options: ChannelOptions;
}

const toBinder = (r: Database['binders']): Binder => ({ id: r.id, companyId: r.company_id, name: r.name, createdAt: r.created_at });

export async function listBinders(db: Db, orgId: string, companyId?: string): Promise<Binder[]> {
  let q = db.selectFrom('binders').selectAll().where('org_id', '=', orgId);
  if (companyId) q = q.where('company_id', '=', companyId);
  return (await q.orderBy('name').orderBy('id').execute()).map(toBinder);
}

export async function getBinder(db: Db, orgId: string, id: string): Promise<Binder> {
  const r = await db.selectFrom('binders').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound('Binder', id);
  return toBinder(r);
}

export async function findBinderByName(db: Db, orgId: string, companyId: string, name: string): Promise<Binder | null> {
  const r = await db.selectFrom('binders').selectAll().where('org_id', '=', orgId).where('company_id', '=', companyId).where('name', '=', name).executeTakeFirst();
  return r ? toBinder(r) : null;
}

export async function insertBinder(db: Db, orgId: string, companyId: string, name: string): Promise<Binder> {
  if (await findBinderByName(db, orgId, companyId, name)) throw new DomainError('conflict', `The company already has a binder named "${name}".`, { reason: 'binder_name_taken', params: { name } });
  const row = { id: newId('bnd'), org_id: orgId, company_id: companyId, name, created_at: now() };
  await db.insertInto('binders').values(row).execute();
  return toBinder(row);
}

export const toChannel = (r: Database['channels']): Channel => ({
  id: r.id, orgId: r.org_id, companyId: r.company_id, name: r.name, kind: r.kind as ChannelKind, connectionId: r.connection_id,
  folder: r.folder, recipientId: r.recipient_id, binderId: r.binder_id, collectAt: r.collect_at, moveCollected: r.move_collected === 1,
  clientEmail: r.client_email, clientName: r.client_name, clientLanguage: r.client_language as Language | null, state: r.state as Channel['state'], stateReason: r.state_reason,
  cursor: r.cursor, lastRunId: r.last_run_id, createdBy: r.created_by, createdAt: r.created_at, updatedAt: r.updated_at,
  options: r.options ? JSON.parse(r.options) as ChannelOptions : {},
});

export type NewChannel = Pick<Channel, 'companyId' | 'name' | 'kind' | 'connectionId' | 'folder' | 'recipientId' | 'binderId' | 'collectAt'
  | 'moveCollected' | 'clientEmail' | 'clientName' | 'createdBy'> & { state: ChannelState; clientLanguage?: Language | null; options?: ChannelOptions };

export async function insertChannel(db: Db, orgId: string, c: NewChannel): Promise<Channel> {
  const id = newId('chn'), at = now();
  await db.insertInto('channels').values({
    id, org_id: orgId, company_id: c.companyId, name: c.name, kind: c.kind, connection_id: c.connectionId, folder: c.folder,
    recipient_id: c.recipientId, binder_id: c.binderId, collect_at: c.collectAt, move_collected: c.moveCollected ? 1 : 0,
    client_email: c.clientEmail, client_name: c.clientName, client_language: c.clientLanguage ?? null, state: c.state, state_reason: null, cursor: null,
    lease_owner: null, lease_until: null, last_run_id: null, created_by: c.createdBy, created_at: at, updated_at: at,
    options: c.options && Object.keys(c.options).length ? JSON.stringify(c.options) : null,
  }).execute();
  return getChannel(db, orgId, id);
}

export async function getChannel(db: Db, orgId: string, id: string): Promise<Channel> {
  const r = await db.selectFrom('channels').selectAll().where('org_id', '=', orgId).where('id', '=', id).where('state', '!=', 'removed').executeTakeFirst();
  if (!r) throw notFound('Channel', id);
  return toChannel(r);
}

export async function listChannels(db: Db, orgId: string, f: { companyId?: string } = {}): Promise<Channel[]> {
  let q = db.selectFrom('channels').selectAll().where('org_id', '=', orgId).where('state', '!=', 'removed');
  if (f.companyId) q = q.where('company_id', '=', f.companyId);
  return (await q.orderBy('created_at').orderBy('id').execute()).map(toChannel);
}

/** Channels of every organization that collect on a schedule (active, or waiting for a fix). */
export type ChannelPatch = Partial<Omit<Channel, 'id' | 'orgId' | 'companyId' | 'kind' | 'createdBy' | 'createdAt' | 'updatedAt'>>;

const COLUMNS: Record<keyof ChannelPatch, keyof Database['channels']> = {
  name: 'name', connectionId: 'connection_id', folder: 'folder', recipientId: 'recipient_id', binderId: 'binder_id', collectAt: 'collect_at',
  moveCollected: 'move_collected', clientEmail: 'client_email', clientName: 'client_name', clientLanguage: 'client_language', state: 'state', stateReason: 'state_reason',
  cursor: 'cursor', lastRunId: 'last_run_id', options: 'options',
};

export async function updateChannel(db: Db, orgId: string, id: string, patch: ChannelPatch): Promise<Channel> {
  const set: Record<string, unknown> = { updated_at: now() };
  for (const [k, v] of Object.entries(patch) as Array<[keyof ChannelPatch, unknown]>) {
    if (v === undefined) continue;
    set[COLUMNS[k]] = typeof v === 'boolean' ? (v ? 1 : 0) : k === 'options' ? JSON.stringify(v) : v;
  }
  await db.updateTable('channels').set(set).where('org_id', '=', orgId).where('id', '=', id).execute();
  return toChannel(await db.selectFrom('channels').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
}
