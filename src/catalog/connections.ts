import { newId } from '../domain/ids.js';
import { notFound } from '../domain/errors.js';
import { now, type Db } from './db.js';
import type { Selectable } from 'kysely';
import type { Database } from './schema.js';

/**
 * OAuth connections and pending authorizations. Tokens are sealed by the caller; this module
 * only guarantees that an update of them never overwrites a newer one (compare-and-swap on
 * secrets_version), and that an authorization state is used at most once, before it expires.
 */
export type ConnectionState = 'ready' | 'needs_reconnect' | 'disconnected';

export interface ConnectionRecord {
  id: string; orgId: string; kind: string; label: string; settings: Record<string, unknown>;
  secrets: string | null; secretsVersion: number; state: ConnectionState; stateReason: string | null;
  refreshedAt: string | null; createdBy: string | null; createdAt: string; updatedAt: string;
}

const toRecord = (r: Selectable<Database['connections']>): ConnectionRecord => ({
  id: r.id, orgId: r.org_id, kind: r.kind, label: r.label, settings: JSON.parse(r.settings), secrets: r.secrets,
  secretsVersion: Number(r.secrets_version), state: r.state as ConnectionState, stateReason: r.state_reason,
  refreshedAt: r.refreshed_at, createdBy: r.created_by, createdAt: r.created_at, updatedAt: r.updated_at,
});

export async function createOAuthConnection(db: Db, orgId: string, c: { kind: string; label: string; settings: Record<string, unknown>; secrets: string; createdBy: string }): Promise<string> {
  const id = newId('con'), at = now();
  await db.insertInto('connections').values({
    id, org_id: orgId, kind: c.kind, label: c.label, settings: JSON.stringify(c.settings), secrets: c.secrets,
    created_at: at, updated_at: at, state: 'ready', state_reason: null, secrets_version: 1, refreshed_at: at, created_by: c.createdBy,
  }).execute();
  return id;
}

export async function findConnection(db: Db, orgId: string, id: string): Promise<ConnectionRecord> {
  const r = await db.selectFrom('connections').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound('Connection', id);
  return toRecord(r);
}

export async function listConnections(db: Db, orgId: string, kinds: readonly string[]): Promise<ConnectionRecord[]> {
  if (kinds.length === 0) return [];
  const rows = await db.selectFrom('connections').selectAll().where('org_id', '=', orgId).where('kind', 'in', [...kinds])
    .where('state', '!=', 'disconnected').orderBy('created_at').orderBy('id').execute();
  return rows.map(toRecord);
}

/** Connections of these kinds, in every organization, that hold tokens (their settings, to tell whose they are). */
export async function connectionsHoldingTokens(db: Db, kinds: readonly string[]): Promise<Array<{ id: string; settings: Record<string, unknown> }>> {
  if (kinds.length === 0) return [];
  const rows = await db.selectFrom('connections').select(['id', 'settings']).where('kind', 'in', [...kinds]).where('secrets', 'is not', null).execute();
  return rows.map((r) => ({ id: r.id, settings: JSON.parse(r.settings) }));
}

/** Ready connections of these kinds, in every organization, whose tokens were last refreshed before `before`. */
export async function connectionsRefreshedBefore(db: Db, kinds: readonly string[], before: string): Promise<Array<{ id: string; orgId: string; settings: Record<string, unknown> }>> {
  if (kinds.length === 0) return [];
  const rows = await db.selectFrom('connections').select(['id', 'org_id', 'settings']).where('kind', 'in', [...kinds]).where('state', '=', 'ready')
    .where((eb) => eb.or([eb('refreshed_at', 'is', null), eb('refreshed_at', '<', before)])).execute();
  return rows.map((r) => ({ id: r.id, orgId: r.org_id, settings: JSON.parse(r.settings) }));
}

export interface SecretsUpdate {
  secrets: string | null;
  state: ConnectionState;
  stateReason: string | null;
  refreshed?: boolean;
  settings?: Record<string, unknown>;
}

/**
 * Stores new secrets only if nobody stored newer ones since `expectedVersion` was read: false
 * means another request (or process) got there first, and the caller must re-read.
 */
export async function swapConnectionSecrets(db: Db, orgId: string, id: string, expectedVersion: number, u: SecretsUpdate): Promise<boolean> {
  const at = now();
  const res = await db.updateTable('connections')
    .set({
      secrets: u.secrets, state: u.state, state_reason: u.stateReason, secrets_version: expectedVersion + 1, updated_at: at,
      ...(u.refreshed && { refreshed_at: at }), ...(u.settings && { settings: JSON.stringify(u.settings) }),
    })
    .where('org_id', '=', orgId).where('id', '=', id).where('secrets_version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export interface OAuthStateRow {
  orgId: string; userId: string; kind: string; connectionId: string | null; verifier: string;
  browserHash: string | null; returnTo: string | null; expiresAt: string;
  /** What the sign-in is for: a destination (the default), or a collection channel's invitation. */
  purpose?: 'destination' | 'collect';
  invitationId?: string | null;
}

/** `id` is a hash of the state value: a leaked database does not hand out usable states. */
export async function insertOAuthState(db: Db, id: string, s: OAuthStateRow): Promise<void> {
  await db.insertInto('oauth_states').values({
    id, org_id: s.orgId, user_id: s.userId, kind: s.kind, connection_id: s.connectionId, verifier: s.verifier,
    browser_hash: s.browserHash, return_to: s.returnTo, expires_at: s.expiresAt, created_at: now(),
    purpose: s.purpose ?? 'destination', invitation_id: s.invitationId ?? null,
  }).execute();
  // Abandoned authorizations are swept as new ones start.
  await db.deleteFrom('oauth_states').where('expires_at', '<', now()).execute();
}

/** Takes the state out: only one caller ever gets it, and only before it expires. */
export async function takeOAuthState(db: Db, id: string): Promise<OAuthStateRow | null> {
  const r = await db.selectFrom('oauth_states').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) return null;
  const res = await db.deleteFrom('oauth_states').where('id', '=', id).executeTakeFirst();
  if (Number(res.numDeletedRows) !== 1 || r.expires_at <= now()) return null;
  return {
    orgId: r.org_id, userId: r.user_id, kind: r.kind, connectionId: r.connection_id, verifier: r.verifier,
    browserHash: r.browser_hash, returnTo: r.return_to, expiresAt: r.expires_at,
    purpose: r.purpose === 'collect' ? 'collect' : 'destination', invitationId: r.invitation_id,
  };
}
