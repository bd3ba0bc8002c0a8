import type { Announce } from '../events/occurrences.js';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { DomainError } from '../domain/errors.js';
import { CHANNEL_TITLES, OAUTH_CHANNEL_KINDS } from '../domain/channels.js';
import { AddressRefused, isConnectorError, type StorageConnector } from '../connectors/connector.js';
import type { Db } from '../catalog/db.js';
import { getCompany } from '../catalog/organizations.js';
import { deleteConnectionSecrets, getConnection, updateConnectionSettings } from '../catalog/destinations.js';
import { joinPath } from '../connectors/connector.js';
import { getChannel, updateChannel, type Channel } from '../catalog/channels.js';
import { recordInvitationTry } from '../catalog/invitation-tries.js';
import {
  insertInvitation, invitationById, invitationByToken, latestInvitation, recordInvitationConnection, useInvitation, type Invitation,
} from '../catalog/invitations.js';
import type { ConnectionService } from '../auth/oauth/connections.js';
import { sha256Hex } from '../auth/hash.js';
import type { Mailer } from '../mail/mailer.js';
import { ChannelService } from './channels.js';
import type { CollectRuns } from './service.js';
import { invitationMail } from './invitation-mail.js';

export interface InvitationDeps {
  db: Db;
  log: Logger;
  mailer: Mailer;
  baseUrl: string;
  ttlMs: number;
  channels: ChannelService;
  runs: CollectRuns;
  connections: ConnectionService;
  connect(orgId: string, channel: Channel): Promise<StorageConnector>;
  definitions: Map<string, import('../connectors/connector.js').ConnectorDefinition>;
  /** Alerts hear that a client connected their folder. */
  announce?: Announce;
}

export type InvitationStep = 'connect' | 'choose_folder';

/** What the client's page shows: whose channel, what to connect, and the next step. */
export interface InvitationView {
  channel: { name: string; kind: Channel['kind']; company: string; title: string; folder: string | null; moveCollected: boolean };
  step: InvitationStep;
  /** Whether the client may make a folder in the picker: not through read-only access to an account. */
  canCreateFolder: boolean;
  purpose: Invitation['purpose'];
  expiresAt: string;
}


/** How often a client may try server details: per link, and per client address an hour. */
export const TRIES_PER_LINK = 10;
export const TRIES_PER_CLIENT_HOUR = 20;

/**
 * What a visitor, who is not signed in, hears when a server could not be used: in words, the
 * same for every way of not reaching it (closed, filtered, not SFTP or WebDAV at all), and never
 * the remote's own answer, so the page cannot map or read services it should not see.
 */
function forVisitor(e: unknown, host: string): Error {
  if (e instanceof DomainError) return new DomainError('invalid_input', e.message, e.why ?? { reason: 'server_unreachable' });
  if (e instanceof AddressRefused) return new DomainError('invalid_input', e.message, { reason: 'address_refused', params: { host } });
  if (isConnectorError(e, 'auth_expired')) return new DomainError('invalid_input', 'Sign-in was refused: check the user name and the password or key, then try again.', { reason: 'server_sign_in_refused' });
  return new DomainError('invalid_input', 'The server could not be reached: check its address and port, then try again. If they are right, the server may be down or may not accept connections from outside.', { reason: 'server_unreachable' });
}
const TOKEN = /^dci_[A-Za-z0-9_-]{43}$/;

/**
 * Inviting a client to connect a channel's folder, with no account: the link's token (only its
 * hash is kept) authorizes the connect steps of that one channel, once, until it expires.
 */
export class InvitationService {
  constructor(private readonly deps: InvitationDeps) {}

  /**
   * Sends (or sends again) the link; an older link of the channel stops working. A channel that
   * works gets a reminder (nothing is broken, the link only lets the client choose again); one
   * that stopped working, a reconnect link. The channel's state does not change either way.
   */
  async send(orgId: string, channelId: string, by: string | null, opts: { mail?: boolean } = {}): Promise<{ invitationId: string; sentTo: string; expiresAt: string; link: string }> {
    const channel = await getChannel(this.deps.db, orgId, channelId);
    if (channel.kind === 'local') throw new DomainError('invalid_input', 'A local folder channel has nothing for a client to connect.', { reason: 'local_nothing_to_connect' });
    if (!channel.clientEmail) throw new DomainError('invalid_input', `"${channel.name}" has no client e-mail address: set clientEmail first.`, { reason: 'client_email_unset', params: { name: channel.name } });
    const token = `dci_${randomBytes(32).toString('base64url')}`;
    const expiresAt = new Date(Date.now() + this.deps.ttlMs);
    const purpose = !channel.connectionId ? 'connect' : channel.state === 'active' || channel.state === 'paused' ? 'reminder' : 'reconnect';
    const inv = await insertInvitation(this.deps.db, orgId, { channelId, tokenHash: sha256Hex(token), email: channel.clientEmail, purpose, expiresAt: expiresAt.toISOString(), createdBy: by });
    const company = await getCompany(this.deps.db, orgId, channel.companyId);
    const org = await this.deps.db.selectFrom('organizations').select('name').where('id', '=', orgId).executeTakeFirstOrThrow();
    const link = new URL(`/connect/${token}`, this.deps.baseUrl).toString();
    // Without the mail, the accountant passes the link on another way (a message, a chat).
    if (opts.mail !== false) await this.deps.mailer.send(invitationMail({
      to: channel.clientEmail, clientName: channel.clientName, firm: org.name, company: company.name, provider: CHANNEL_TITLES[channel.kind],
      language: channel.clientLanguage ?? company.language, link, expiresAt, purpose, move: channel.moveCollected,
    }));
    return { invitationId: inv.id, sentTo: channel.clientEmail, expiresAt: inv.expiresAt, link };
  }

  async latest(orgId: string, channelId: string): Promise<Invitation | null> {
    await getChannel(this.deps.db, orgId, channelId);
    return latestInvitation(this.deps.db, orgId, channelId);
  }

  /** The invitation behind a token, if it may still be used; every other case says why. */
  private async open(token: string): Promise<{ inv: Invitation; channel: Channel }> {
    const inv = TOKEN.test(token) ? await invitationByToken(this.deps.db, sha256Hex(token)) : null;
    if (!inv) throw new DomainError('not_found', 'This link is not valid. Check that it was copied whole, or ask your accountant for a new one.', { reason: 'link_invalid' });
    if (inv.usedAt) throw new DomainError('conflict', 'This link was already used: the folder is connected. If something is wrong, ask your accountant for a new link.', { reason: 'client_link_used' });
    if (inv.revokedAt) throw new DomainError('conflict', 'This link was replaced by a newer one: use the link in the latest e-mail.', { reason: 'link_replaced' });
    if (Date.parse(inv.expiresAt) <= Date.now()) throw new DomainError('conflict', 'This link has expired. Ask your accountant to send a new one.', { reason: 'link_expired' });
    const channel = await getChannel(this.deps.db, inv.orgId, inv.channelId).catch(() => {
      throw new DomainError('not_found', 'The collection this link was for no longer exists.', { reason: 'collection_gone' });
    });
    return { inv, channel };
  }

  async view(token: string): Promise<InvitationView> {
    const { inv, channel } = await this.open(token);
    const company = await getCompany(this.deps.db, inv.orgId, channel.companyId);
    return {
      channel: { name: channel.name, kind: channel.kind, company: company.name, title: CHANNEL_TITLES[channel.kind], folder: channel.folder, moveCollected: channel.moveCollected },
      step: inv.connectedAt ? 'choose_folder' : 'connect', canCreateFolder: canCreateFolder(channel), purpose: inv.purpose, expiresAt: inv.expiresAt,
    };
  }

  /** The provider's consent page for an OAuth channel (read-only scopes unless files are moved aside). */
  async authorize(token: string, opts: { browser: boolean; returnTo: string | null }) {
    const { inv, channel } = await this.open(token);
    if (!ChannelService.isOAuth(channel.kind)) throw new DomainError('invalid_input', `A ${CHANNEL_TITLES[channel.kind]} is connected with its server details, not a sign-in.`, { reason: 'connect_with_server_details', params: { kind: channel.kind } });
    const provider = this.deps.connections.providers().find((p) => p.kind === channel.kind);
    if (!provider) throw new DomainError('unavailable', `${CHANNEL_TITLES[channel.kind]} is not set up on this Dossier: ask your accountant.`, { reason: 'provider_not_set_up', params: { kind: channel.kind } });
    const caller = { orgId: inv.orgId, userId: inv.createdBy ?? channel.createdBy ?? channel.recipientId };
    return this.deps.connections.authorize(caller, provider.id, {
      ...opts, returnTo: opts.returnTo ?? new URL('/connect/resume', this.deps.baseUrl).toString(),
      connectionId: channel.connectionId ?? undefined, collect: { invitationId: inv.id, move: channel.moveCollected },
    });
  }

  /** The OAuth callback stored the account: the next step is the folder. */
  async connected(orgId: string, invitationId: string, connectionId: string): Promise<void> {
    const inv = await invitationById(this.deps.db, invitationId);
    if (!inv || inv.orgId !== orgId) return;
    await recordInvitationConnection(this.deps.db, invitationId, connectionId);
  }

  /**
   * SFTP or WebDAV: the client gives the server's details; they are tried before anything is
   * kept, a failed try leaves nothing behind, and tries are limited per link and per client.
   */
  async server(token: string, settings: Record<string, unknown>, client: string): Promise<InvitationView> {
    const { inv, channel } = await this.open(token);
    if (channel.kind !== 'sftp' && channel.kind !== 'webdav') throw new DomainError('invalid_input', `A ${CHANNEL_TITLES[channel.kind]} is connected by signing in, not with server details.`, { reason: 'connect_by_sign_in', params: { kind: channel.kind } });
    const tries = await recordInvitationTry(this.deps.db, inv.id, sha256Hex(`client:${client}`), 3_600_000);
    if (tries.onLink > TRIES_PER_LINK) throw new DomainError('too_many_attempts', 'Too many tries with this link. Ask your accountant for a new link, and check the server details with whoever runs the server.', { reason: 'too_many_tries_link' });
    if (tries.fromClient > TRIES_PER_CLIENT_HOUR) throw new DomainError('too_many_attempts', 'Too many tries from your connection. Try again in an hour.', { reason: 'too_many_tries_client' });
    const def = this.deps.definitions.get(channel.kind)!;
    let hostKeySha256: string | null;
    try {
      ({ hostKeySha256 } = await this.deps.channels.tryServer(def, settings));
    } catch (e) {
      this.deps.log.info({ channel: channel.id, err: (e as Error).message }, 'a client\'s server details did not work');
      throw forVisitor(e, String(settings.host ?? settings.url ?? ''));
    }
    const connectionId = await this.deps.channels.serverConnection(inv.orgId, def, channel.name, { ...settings, ...(hostKeySha256 && !settings.hostKeySha256 && { hostKeySha256 }) });
    const folder = typeof settings.root === 'string' ? settings.root : '';
    // Where the client said the documents are: the folder browser starts there.
    const conn = await getConnection(this.deps.db, inv.orgId, connectionId);
    await updateConnectionSettings(this.deps.db, inv.orgId, connectionId, { ...conn.settings, browseRoot: folder });
    await recordInvitationConnection(this.deps.db, inv.id, connectionId);
    return this.view(token);
  }

  private async connectedOne(token: string): Promise<{ inv: Invitation & { connectionId: string }; channel: Channel; base: string }> {
    const { inv, channel } = await this.open(token);
    if (!inv.connectionId) throw new DomainError('conflict', 'Connect your account first, then choose the folder.', { reason: 'connect_account_first' });
    // A server's folders are shown below the folder its details named; an account's from its top.
    const settings = (await getConnection(this.deps.db, inv.orgId, inv.connectionId)).settings;
    const base = typeof settings.browseRoot === 'string' ? settings.browseRoot : '';
    return { inv: inv as Invitation & { connectionId: string }, channel, base };
  }

  /** The folders in `path` of the account the client just connected. */
  async folders(token: string, path: string): Promise<{ path: string; folders: Array<{ name: string; path: string }> }> {
    const { inv, channel, base } = await this.connectedOne(token);
    const c = await this.deps.connect(inv.orgId, { ...channel, connectionId: inv.connectionId, folder: base });
    try {
      const folders: Array<{ name: string; path: string }> = [];
      for await (const e of c.list(path)) if (e.isDir && !e.name.startsWith('.')) folders.push({ name: e.name, path: e.path });
      return { path, folders: folders.sort((a, b) => a.name.localeCompare(b.name)) };
    } finally {
      await c.close().catch(() => undefined);
    }
  }

  /**
   * A new folder `name` in `parent`, made by the client while choosing: one name at a time (a
   * slash would quietly make a folder inside a folder, as in the firm's picker).
   */
  async createFolder(token: string, parent: string, name: string): Promise<{ name: string; path: string }> {
    const { inv, channel, base } = await this.connectedOne(token);
    const trimmed = name.trim();
    if (/[/\\]/.test(trimmed)) throw new DomainError('invalid_input', 'A folder name cannot contain a slash: make one folder at a time.', { reason: 'folder_name_slash' });
    if (!trimmed || trimmed === '.' || trimmed === '..') throw new DomainError('invalid_input', 'Name the new folder.', { reason: 'folder_name_missing' });
    if (!canCreateFolder(channel)) throw new DomainError('conflict', 'Dossier reads this account only, so it cannot make a folder in it: make the folder in the account itself, then choose it here.', { reason: 'folder_create_read_only' });
    const c = await this.deps.connect(inv.orgId, { ...channel, connectionId: inv.connectionId, folder: base });
    try {
      const path = parent ? `${parent}/${trimmed}` : trimmed;
      await c.mkdir(path);
      return { name: trimmed, path };
    } finally {
      await c.close().catch(() => undefined);
    }
  }

  /** The last step: the folder is checked, the channel turns active, the link is used up, and a first run starts. */
  async choose(token: string, folder: string): Promise<{ channel: string; state: Channel['state'] }> {
    const { inv, channel, base } = await this.connectedOne(token);
    folder = joinPath(base, folder);
    const next = { ...channel, connectionId: inv.connectionId, folder };
    await this.deps.channels.test(inv.orgId, next);
    if (!(await useInvitation(this.deps.db, inv.id))) throw new DomainError('conflict', 'This link was already used.', { reason: 'client_link_used' });
    const sameFolder = channel.connectionId === inv.connectionId && channel.folder === folder;
    if (channel.connectionId && channel.connectionId !== inv.connectionId) await deleteConnectionSecrets(this.deps.db, inv.orgId, channel.connectionId);
    const after = await updateChannel(this.deps.db, inv.orgId, channel.id, {
      connectionId: inv.connectionId, folder, state: 'active', stateReason: null, ...(!sameFolder && { cursor: null }),
    });
    await this.deps.runs.request(inv.orgId, channel.id, 'connected', null);
    await this.deps.announce?.({
      type: 'channel.connected', orgId: inv.orgId, subject: channel.id,
      data: { channelId: channel.id, name: channel.name, companyId: channel.companyId, createdBy: channel.createdBy, clientName: channel.clientName, clientEmail: channel.clientEmail },
    });
    this.deps.log.info({ channel: channel.id }, 'the client connected the channel\'s folder');
    return { channel: after.name, state: after.state };
  }
}

/**
 * An account is reached with read-only scopes unless the channel moves collected files aside
 * (then it may write); a server's own credentials may write; a mailbox is no folder tree.
 */
const canCreateFolder = (channel: Channel) => (OAUTH_CHANNEL_KINDS.includes(channel.kind) ? channel.moveCollected : channel.kind !== 'email');
