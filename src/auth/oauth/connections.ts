import { createHash, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import * as oauth from 'oauth4webapi';
import { DomainError, notFound } from '../../domain/errors.js';
import { ConnectorError, type AccountInfo, type Entry, type Quota, type StorageConnector, type TokenSource } from '../../connectors/connector.js';
import type { Db } from '../../catalog/db.js';
import {
  connectionsHoldingTokens, createOAuthConnection, findConnection, insertOAuthState, listConnections, swapConnectionSecrets, takeOAuthState, type ConnectionRecord, type OAuthStateRow,
} from '../../catalog/connections.js';
import type { SecretBox } from '../secret-box.js';
import type { OAuthClient } from './client.js';
import type { OAuthProvider } from './providers.js';
import { PROVIDER_SETTING, providerOf, type TokenVault } from './vault.js';

/** Opens the connector of a kind with these settings (root "" is the top of the account) and tokens. */
export type OpenConnector = (kind: string, settings: Record<string, unknown>, tokens: TokenSource) => Promise<StorageConnector>;

export interface ConnectionServiceDeps {
  db: Db;
  box: SecretBox;
  client: OAuthClient;
  vault: TokenVault;
  providers: readonly OAuthProvider[];
  open: OpenConnector;
  log: Logger;
  /** A reconnected connection: destinations stopped by its expiry may run again. */
  onReconnected?(orgId: string, connectionId: string): Promise<void>;
  /** A client connected (or reconnected) the account of a collection channel's invitation. */
  onCollectConnected?(orgId: string, invitationId: string, connectionId: string): Promise<void>;
  stateTtlMs?: number;
}

export interface Caller { orgId: string; userId: string }

export interface AuthorizeOptions {
  connectionId?: string;
  browser?: boolean;
  returnTo?: string | null;
  /** A client connecting a collection channel: read-only scopes (write only to move collected files). */
  collect?: { invitationId: string; move: boolean };
}

export interface ConnectionView {
  id: string; provider: string; kind: string; label: string; sandbox: boolean;
  state: ConnectionRecord['state']; stateReason: string | null;
  account: AccountInfo | null;
  quota: Quota | null;
  /** Where to start again when the state is needs_reconnect. */
  reconnect: string | null;
  createdAt: string;
}

export interface FolderPage { path: string; folders: Array<{ name: string; path: string; id: string | null }>; nextPageToken: string | null }

const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');
const ACCOUNT_ID = 'accountId';
const ACCOUNT_NAME = 'accountName';
/** Marks a connection a client made for a collection channel (or an e-mail channel's signed-in mailbox). */
export const COLLECT_ONLY = 'collectOnly';
/** The connector kind of mailboxes: a provider of this kind signs in to IMAP (XOAUTH2), not to a drive. */
export const MAILBOX_KIND = 'email';

/**
 * Connecting an OAuth account: the authorization request (PKCE, a single-use expiring state
 * kept server-side and bound to the caller and, from a browser, to a cookie), the callback,
 * encrypted tokens, the account's details, a folder browser, and disconnecting.
 */
/** A sign-in that failed after its state was found: the error, and the page to go back to. */
export class SignInFailed extends Error {
  constructor(override readonly cause: unknown, readonly returnTo: string) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

export class ConnectionService {
  private readonly byId: Map<string, OAuthProvider>;

  constructor(private readonly deps: ConnectionServiceDeps) {
    this.byId = new Map(deps.providers.map((p) => [p.id, p]));
  }

  providers(): readonly OAuthProvider[] {
    return this.deps.providers;
  }

  private provider(id: string): OAuthProvider {
    const p = this.byId.get(id);
    if (!p) throw new DomainError('not_found', `"${id}" is not a provider of this installation. Choose one of: ${[...this.byId.keys()].join(', ') || '(none configured)'}.`, { reason: 'choice_unknown', params: { field: 'provider', values: id, choices: [...this.byId.keys()].join(', ') || '—' } });
    return p;
  }

  /**
   * Starts a connection (or a reconnection of `connectionId`). Returns the consent URL, and with
   * `browser` a value for a cookie that the callback must see again: a state lured into
   * another browser is then refused.
   */
  async authorize(caller: Caller, providerId: string, opts: AuthorizeOptions = {}): Promise<{ url: string; browserBinding: string | null }> {
    const provider = this.provider(providerId);
    if (opts.connectionId) {
      const rec = await findConnection(this.deps.db, caller.orgId, opts.connectionId);
      if (providerOf(rec.settings) !== provider.id) throw new DomainError('invalid_input', `Connection ${rec.id} was not made with ${provider.title}: reconnect it with the provider it was made with.`, { reason: 'connection_other_provider', params: { id: rec.id, provider: provider.title } });
    }
    const state = oauth.generateRandomState();
    const verifier = oauth.generateRandomCodeVerifier();
    const browserBinding = opts.browser ? randomBytes(32).toString('base64url') : null;
    await insertOAuthState(this.deps.db, sha256(state), {
      orgId: caller.orgId, userId: caller.userId, kind: provider.id, connectionId: opts.connectionId ?? null,
      verifier: this.deps.box.seal(verifier), browserHash: browserBinding && sha256(browserBinding), returnTo: opts.returnTo ?? null,
      expiresAt: new Date(Date.now() + (this.deps.stateTtlMs ?? 10 * 60_000)).toISOString(),
      purpose: opts.collect ? 'collect' : 'destination', invitationId: opts.collect?.invitationId ?? null,
    });
    const scopes = opts.collect ? provider.collectScopes[opts.collect.move ? 'move' : 'read'] : provider.scopes;
    return { url: await this.deps.client.authorizationUrl(provider, state, verifier, scopes), browserBinding };
  }

  /** The provider sent the browser back: check the state, trade the code, store the tokens sealed. */
  async complete(callback: URL, browserBinding: string | null): Promise<{ orgId: string; connectionId: string; returnTo: string | null }> {
    const state = callback.searchParams.get('state');
    const row = state ? await takeOAuthState(this.deps.db, sha256(state)) : null;
    if (!state || !row) throw new DomainError('invalid_input', 'This sign-in is unknown, expired or was already used: start connecting again.', { reason: 'sign_in_unknown' });
    try {
      return await this.completeWith(row, state, callback, browserBinding);
    } catch (e) {
      // The page that started the sign-in says what went wrong (declined, another account)
      // where the user can try again, instead of leaving them on a bare page of the server.
      throw row.returnTo ? new SignInFailed(e, row.returnTo) : e;
    }
  }

  private async completeWith(row: OAuthStateRow, state: string, callback: URL, browserBinding: string | null): Promise<{ orgId: string; connectionId: string; returnTo: string | null }> {
    if (row.browserHash && (!browserBinding || sha256(browserBinding) !== row.browserHash)) {
      throw new DomainError('forbidden', 'This sign-in was started in another browser: start connecting again from this one.', { reason: 'sign_in_other_browser' });
    }
    const provider = this.provider(row.kind);
    const tokens = await this.deps.client.exchange(provider, callback, state, this.deps.box.open<string>(row.verifier));
    if (!tokens.refreshToken) {
      throw new DomainError('invalid_input', `${provider.title} gave no refresh token, so Dossier could not keep working after an hour: remove Dossier from the account's connected apps, then connect again.`, { reason: 'no_refresh_token', params: { provider: provider.title } });
    }
    const collect = row.purpose === 'collect';
    // A client's account serves its channel only: it is not offered as a destination or listed.
    const settings = { ...(collect ? { ...provider.collectSettings, [COLLECT_ONLY]: true } : provider.connectionSettings), [PROVIDER_SETTING]: provider.id };
    // A mailbox's account is its address, which the channel already names: the IMAP sign-in that follows checks it.
    const account = provider.kind === MAILBOX_KIND ? null : await this.readAccount(provider, settings, { accessToken: async () => tokens.accessToken });
    const withAccount = { ...settings, ...(account && { [ACCOUNT_NAME]: account.name }), ...(account?.id && { [ACCOUNT_ID]: account.id }) };
    const sealed = this.deps.vault.seal(tokens);
    if (row.connectionId) {
      const rec = await findConnection(this.deps.db, row.orgId, row.connectionId);
      const before = rec.settings[ACCOUNT_ID];
      if (before && account?.id && before !== account.id) {
        throw new DomainError('conflict', `You signed in to another ${provider.title} account than the one this connection uses: sign in as ${String(rec.settings[ACCOUNT_NAME] ?? 'the account it was made with')}.`, { reason: 'sign_in_other_account', params: { provider: provider.title, account: String(rec.settings[ACCOUNT_NAME] ?? '—') } });
      }
      // A mailbox keeps its server and address: the sign-in only brings the tokens.
      const keep = provider.kind === MAILBOX_KIND ? { ...withAccount, ...rec.settings, [PROVIDER_SETTING]: provider.id } : withAccount;
      // Overwrites whatever is stored: the user's new consent supersedes every older token.
      for (let current = rec; !(await swapConnectionSecrets(this.deps.db, row.orgId, current.id, current.secretsVersion, { secrets: sealed, state: 'ready', stateReason: null, refreshed: true, settings: keep }));) {
        current = await findConnection(this.deps.db, row.orgId, row.connectionId);
      }
      await this.deps.onReconnected?.(row.orgId, row.connectionId);
      if (collect && row.invitationId) await this.deps.onCollectConnected?.(row.orgId, row.invitationId, row.connectionId);
      return { orgId: row.orgId, connectionId: row.connectionId, returnTo: row.returnTo };
    }
    const label = account ? `${provider.title}: ${account.name}${account.email && account.email !== account.name ? ` (${account.email})` : ''}` : provider.title;
    const connectionId = await createOAuthConnection(this.deps.db, row.orgId, { kind: provider.kind, label, settings: withAccount, secrets: sealed, createdBy: row.userId });
    this.deps.log.info({ connection: connectionId, provider: provider.id, purpose: row.purpose }, 'connected an account');
    if (collect && row.invitationId) await this.deps.onCollectConnected?.(row.orgId, row.invitationId, connectionId);
    return { orgId: row.orgId, connectionId, returnTo: row.returnTo };
  }

  private async readAccount(provider: OAuthProvider, settings: Record<string, unknown>, tokens: TokenSource): Promise<AccountInfo | null> {
    const c = await this.deps.open(provider.kind, { ...settings, root: '' }, tokens);
    try {
      return c.account ? await c.account() : null;
    } finally {
      await c.close().catch(() => undefined);
    }
  }

  /** A connection of this organization made through OAuth; anything else is "not found". */
  private async record(orgId: string, id: string): Promise<ConnectionRecord> {
    const rec = await findConnection(this.deps.db, orgId, id);
    if (!providerOf(rec.settings) || rec.settings[COLLECT_ONLY]) throw notFound('Connection', id);
    return rec;
  }

  private withConnector<T>(rec: ConnectionRecord, fn: (c: StorageConnector) => Promise<T>): Promise<T> {
    return withConnection(this.deps, rec, fn);
  }

  private view(rec: ConnectionRecord, live: { account: AccountInfo | null; quota: Quota | null }): ConnectionView {
    const provider = this.byId.get(providerOf(rec.settings)!);
    return {
      id: rec.id, provider: provider?.id ?? providerOf(rec.settings)!, kind: rec.kind, label: rec.label, sandbox: provider?.sandbox ?? false,
      state: rec.state, stateReason: rec.stateReason, ...live,
      reconnect: rec.state === 'ready' || !provider ? null : `/v1/connections/${rec.id}/reconnect`, createdAt: rec.createdAt,
    };
  }

  async list(orgId: string): Promise<ConnectionView[]> {
    const kinds = [...new Set(this.deps.providers.map((p) => p.kind))];
    const rows = (await listConnections(this.deps.db, orgId, kinds)).filter((r) => providerOf(r.settings) && !r.settings[COLLECT_ONLY]);
    return rows.map((r) => this.view(r, { account: null, quota: null }));
  }

  /** The connection with the account's name and free space, asked of the provider now. */
  async get(orgId: string, id: string): Promise<ConnectionView> {
    let rec = await this.record(orgId, id);
    if (rec.state !== 'ready') return this.view(rec, { account: null, quota: null });
    try {
      const live = await this.withConnector(rec, async (c) => ({
        account: c.account ? await c.account() : null,
        quota: c.quota ? await c.quota() : null,
      }));
      return this.view(rec, live);
    } catch (e) {
      if (!(e instanceof ConnectorError) || e.kind !== 'auth_expired') throw e;
      rec = await this.record(orgId, id);
      return this.view(rec, { account: null, quota: null });
    }
  }

  async reconnect(caller: Caller, id: string, opts: { browser?: boolean; returnTo?: string | null }) {
    const rec = await this.record(caller.orgId, id);
    return this.authorize(caller, providerOf(rec.settings)!, { ...opts, connectionId: rec.id });
  }

  /** One page of the folders in `path` ("" is the top of the account). */
  async folders(orgId: string, id: string, path: string, page: { pageToken?: string; pageSize?: number }): Promise<FolderPage> {
    const rec = await this.ready(orgId, id);
    return this.withConnector(rec, async (c) => {
      if (!c.listPage) throw new DomainError('invalid_input', `${rec.label} cannot be browsed.`, { reason: 'not_browsable', params: { name: rec.label } });
      const got = await c.listPage(path, page);
      return { path, folders: got.entries.filter((e: Entry) => e.isDir).map((e) => ({ name: e.name, path: e.path, id: e.id ?? null })), nextPageToken: got.nextPageToken };
    });
  }

  async createFolder(orgId: string, id: string, path: string): Promise<{ name: string; path: string; id: string | null }> {
    const rec = await this.ready(orgId, id);
    return this.withConnector(rec, async (c) => {
      await c.mkdir(path);
      const e = await c.stat(path);
      return { name: e.name, path: e.path, id: e.id ?? null };
    });
  }

  private async ready(orgId: string, id: string): Promise<ConnectionRecord> {
    const rec = await this.record(orgId, id);
    if (rec.state !== 'ready') throw new DomainError('conflict', `The "${rec.label}" connection ${rec.state === 'disconnected' ? 'was disconnected' : 'needs to be reconnected'}: reconnect it first.`, { reason: rec.state === 'disconnected' ? 'connection_disconnected' : 'connection_reconnect', params: { name: rec.label } });
    return rec;
  }

  /**
   * Gives the grant back where the provider allows it, then deletes the tokens. Microsoft has no
   * way to revoke one refresh token: the returned note says where the user can end the grant.
   */
  async disconnect(orgId: string, id: string): Promise<{ revoked: boolean; note: string | null }> {
    const rec = await this.record(orgId, id);
    const provider = this.byId.get(providerOf(rec.settings)!);
    const revoked = await (await this.grantOf(rec))?.() ?? false;
    for (let current = rec; !(await swapConnectionSecrets(this.deps.db, orgId, id, current.secretsVersion, { secrets: null, state: 'disconnected', stateReason: 'Disconnected by a user.' }));) {
      current = await findConnection(this.deps.db, orgId, id);
    }
    const note = provider?.revocation.type === 'none' ? provider.revocation.note : null;
    return { revoked, note };
  }

  /**
   * The grant behind a connection about to be deleted with what uses it (a channel signed in
   * with OAuth, or connected by a client), to give back once the deletion is committed: the
   * tokens are read now, since they are gone by then. Null when there is nothing to revoke.
   */
  async grantToRevoke(orgId: string, id: string): Promise<(() => Promise<boolean>) | null> {
    return this.grantOf(await findConnection(this.deps.db, orgId, id));
  }

  /**
   * Revokes the connection's grant where its provider allows it; never throws (the tokens go
   * anyway). Google ends a grant for its user and app as a whole, whichever token is sent: while
   * another connection (of any organization here) may hold the same grant, it is kept, since
   * revoking it would sign that one out too.
   */
  private async grantOf(rec: ConnectionRecord): Promise<(() => Promise<boolean>) | null> {
    const tokens = this.deps.vault.open(rec);
    const provider = this.byId.get(providerOf(rec.settings) ?? '');
    if (!tokens || !provider || provider.revocation.type === 'none') return null;
    if (await this.grantShared(rec, provider)) {
      this.deps.log.info({ connection: rec.id, provider: provider.id }, 'kept the grant at the provider: another connection may use it');
      return null;
    }
    return () => this.deps.client.revoke(provider, tokens).catch((err) => {
      // Keeping the tokens because the provider was down would be worse.
      this.deps.log.warn({ connection: rec.id, err: (err as Error).message }, 'could not revoke the grant at the provider');
      return false;
    });
  }

  /**
   * Whether another connection holding tokens was given by the same app at the same authorization
   * server and may be the same account: only accounts known to differ (another account id,
   * another mailbox address) are not.
   */
  private async grantShared(rec: ConnectionRecord, provider: OAuthProvider): Promise<boolean> {
    const sameApp = [...this.byId.values()].filter((p) => p.issuer === provider.issuer && p.app.clientId === provider.app.clientId);
    const ids = new Set(sameApp.map((p) => p.id));
    const others = (await connectionsHoldingTokens(this.deps.db, [...new Set(sameApp.map((p) => p.kind))]))
      .filter((o) => ids.has(providerOf(o.settings) ?? ''));
    const identity = (settings: Record<string, unknown>): string | null => {
      const id = settings[ACCOUNT_ID] ?? (typeof settings.username === 'string' ? settings.username.toLowerCase() : null);
      return typeof id === 'string' ? `${this.byId.get(providerOf(settings) ?? '')?.kind}:${id}` : null;
    };
    const mine = identity(rec.settings);
    return others.some((o) => o.id !== rec.id && (mine === null || identity(o.settings) === null || identity(o.settings) === mine));
  }
}

/** Opens a connection's account at its top (no root), runs fn and closes it, whatever fn did. */
export async function withConnection<T>(deps: { open: OpenConnector; vault: TokenVault }, rec: ConnectionRecord,
  fn: (c: StorageConnector) => Promise<T>): Promise<T> {
  const c = await deps.open(rec.kind, { ...rec.settings, root: '' }, deps.vault.tokenSource(rec.orgId, rec.id));
  try {
    return await fn(c);
  } finally {
    await c.close().catch(() => undefined);
  }
}
