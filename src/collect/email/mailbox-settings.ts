import { z } from 'zod';
import type { Db } from '../../catalog/db.js';
import { now } from '../../catalog/db.js';
import { activeRun } from '../../catalog/collect-runs.js';
import { insertConnection, updateConnectionSettings, type ConnectionRow } from '../../catalog/destinations.js';
import type { MailboxDefinition } from '../../connectors/connector.js';
import { COLLECT_ONLY } from '../../auth/oauth/connections.js';
import { PROVIDER_SETTING, providerOf } from '../../auth/oauth/vault.js';
import { DomainError, invalidSettings } from '../../domain/errors.js';
import type { Channel } from '../../catalog/channels.js';

/**
 * An IMAP channel's server settings after it was made: what the channel page shows (never the
 * password), changing them, and the mailbox signed in to with OAuth instead of a password.
 */

/** What a user may change; a password left out or empty stays as it is. */
export const mailServerPatch = z.strictObject({
  host: z.string().trim().min(1).max(253).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  tls: z.boolean().optional(),
  username: z.string().trim().min(1).max(320).optional(),
  password: z.string().max(1000).optional().describe('Empty or left out: the stored password stays. Never returned.'),
  mailbox: z.string().trim().min(1).max(200).optional().describe('The IMAP folder to read, such as INBOX.'),
  caCertificate: z.string().max(20_000).nullable().optional().describe('null removes a private certificate authority.'),
});
export type MailServerPatch = z.infer<typeof mailServerPatch>;

export interface MailServerView {
  host: string; port: number; tls: boolean; username: string; mailbox: string;
  /** The OAuth provider the mailbox is signed in to with (XOAUTH2), or null: a password. */
  signIn: string | null;
  /** Signed in and the tokens usable; always true for a password mailbox. */
  signedIn: boolean;
  privateCa: boolean;
}

/** The mail provider a channel signs in with: what creating one needs to know of it. */
export interface MailSignIn { id: string; title: string; connectionSettings: Record<string, unknown> }

function signInSchema(def: MailboxDefinition): z.ZodType<Record<string, unknown>> {
  if (!def.signInSettings) throw new DomainError('invalid_input', `A ${def.title} cannot be signed in to with a provider.`, { reason: 'mail_sign_in_server_only' });
  return def.signInSettings as z.ZodType<Record<string, unknown>>;
}


/** The server a channel reads, as the channel page shows it; null for a channel without IMAP. */
export async function mailServerOf(db: Db, channel: Channel): Promise<MailServerView | null> {
  if (channel.kind !== 'email' || !channel.connectionId) return null;
  const conn = await db.selectFrom('connections').select(['settings', 'state', 'secrets']).where('org_id', '=', channel.orgId).where('id', '=', channel.connectionId).executeTakeFirst();
  if (!conn) return null;
  const s = JSON.parse(conn.settings) as Record<string, unknown>;
  if (typeof s.host !== 'string') return null;
  const signIn = providerOf(s);
  return {
    host: s.host, port: Number(s.port ?? 993), tls: s.tls !== false, username: String(s.username ?? ''), mailbox: String(s.mailbox ?? 'INBOX'),
    signIn, signedIn: signIn ? conn.state === 'ready' && !!conn.secrets : true, privateCa: typeof s.caCertificate === 'string',
  };
}

/**
 * The connection of a mailbox to be signed in to: its server (the provider's) and
 * address, no tokens yet. It waits for the sign-in (POST /v1/channels/{id}/sign-in), which
 * brings them; until then nothing can open it.
 */
export async function insertSignInMailbox(db: Db, def: MailboxDefinition, orgId: string, provider: MailSignIn, label: string, given: Record<string, unknown>): Promise<string> {
  // The server is the provider's, never one given: the provider's access token goes to it.
  const other = ['host', 'port', 'tls', 'caCertificate', 'password'].filter((k) => given[k] !== undefined && given[k] !== provider.connectionSettings[k]);
  if (other.length) throw new DomainError('invalid_input', `A mailbox signed in to with ${provider.title} is read from its provider's server: give only its address (username) and folder (mailbox), not ${other.join(', ')}.`, { reason: 'mail_sign_in_server_only' });
  const parsed = signInSchema(def).safeParse({ ...provider.connectionSettings, username: given.username, ...(given.mailbox !== undefined && { mailbox: given.mailbox }) });
  if (!parsed.success) throw invalidSettings({ name: label }, 'The mailbox settings are incomplete', parsed.error);
  const id = await insertConnection(db, orgId, { kind: 'email', label, settings: { ...(parsed.data as Record<string, unknown>), [PROVIDER_SETTING]: provider.id, [COLLECT_ONLY]: true }, secrets: null });
  await db.updateTable('connections').set({ state: 'needs_reconnect', state_reason: `Not signed in to ${provider.title} yet.` }).where('id', '=', id).execute();
  return id;
}

/** The server a mail pass reads: a change of one of these is another mailbox, whose UIDs mean nothing here. */
const IDENTITY = ['host', 'port', 'username', 'mailbox'] as const;

export interface ServerChange {
  /** The settings as stored (no secret), and the sealed secrets (undefined: unchanged). */
  settings: Record<string, unknown>;
  secrets: Record<string, unknown> | undefined;
  /** Another server, user or folder: the UID state must start again. */
  otherMailbox: boolean;
}

/** The stored settings with the patch applied, checked as a whole; the password sealed apart, and kept when not given. */
export function applyServerPatch(def: MailboxDefinition, conn: ConnectionRow, storedSecrets: Record<string, unknown>, patch: MailServerPatch): ServerChange {
  const oauth = providerOf(conn.settings) !== null;
  if (oauth && patch.password) throw new DomainError('invalid_input', 'This mailbox is signed in to with its provider, not a password: sign in again to change the account.', { reason: 'mail_sign_in_no_password' });
  // The provider's access token goes to the server: another server would be handed it.
  if (oauth && (['host', 'port', 'tls'] as const).some((k) => patch[k] !== undefined && patch[k] !== conn.settings[k]) || (oauth && patch.caCertificate !== undefined)) {
    throw new DomainError('invalid_input', 'A mailbox signed in to with its provider is read from the provider\'s server: only its address and folder can change.', { reason: 'mail_sign_in_server_only' });
  }
  const { password, caCertificate, ...rest } = patch;
  const merged: Record<string, unknown> = { ...conn.settings, ...rest };
  if (caCertificate === null) delete merged.caCertificate;
  else if (caCertificate !== undefined) merged.caCertificate = caCertificate;
  const newPassword = password ? password : undefined;
  const parsed = (oauth ? signInSchema(def) : def.settings).safeParse({ ...merged, ...(!oauth && { password: newPassword ?? storedSecrets.password }) });
  if (!parsed.success) throw invalidSettings({ name: conn.label }, 'The mailbox settings are not valid', parsed.error);
  const { password: _kept, ...settings } = parsed.data as Record<string, unknown>;
  // What the parse does not know (the provider, the collect-only mark) stays.
  for (const [k, v] of Object.entries(conn.settings)) if (!(k in settings) && k !== 'caCertificate') settings[k] = v;
  const otherMailbox = IDENTITY.some((k) => String(settings[k] ?? '') !== String(conn.settings[k] ?? ''));
  return { settings, secrets: newPassword !== undefined ? { ...storedSecrets, password: newPassword } : undefined, otherMailbox };
}

/** Refuses a change of the server while a pass reads the old one: its cursor would land on the new mailbox. */
export async function checkNoPass(db: Db, channel: Channel): Promise<void> {
  const busy = await activeRun(db, channel.id);
  if (busy) {
    throw new DomainError('conflict', `"${channel.name}" is being collected (run ${busy.id}, ${busy.status}): change its server when the run has ended.`,
      { reason: 'run_in_progress', params: { runId: busy.id, status: busy.status, name: channel.name } });
  }
}

/**
 * Stores the new settings and, for another mailbox, starts its UID state again in the same
 * transaction: the cursor goes, and the UIDs recorded for taken messages are forgotten (they
 * named the old mailbox's messages; kept, a new mailbox with the same UIDVALIDITY would have
 * its messages skipped as known). What was taken in stays recorded by Message-ID (or the
 * hash of the message) and each document by its content hash, so the first pass over the new
 * mailbox files only what was not filed before.
 */
export async function storeServerChange(db: Db, channel: Channel, change: ServerChange, sealedSecrets: string | undefined): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await updateConnectionSettings(trx, channel.orgId, channel.connectionId!, change.settings, sealedSecrets);
    const folder = String(change.settings.mailbox ?? 'INBOX');
    await trx.updateTable('channels').set({ folder, updated_at: now(), ...(change.otherMailbox && { cursor: null }) })
      .where('org_id', '=', channel.orgId).where('id', '=', channel.id).execute();
    if (change.otherMailbox) {
      await trx.updateTable('mail_messages').set({ uid_validity: null, uid: null }).where('channel_id', '=', channel.id).where('source', '=', 'imap').execute();
    }
  });
}

