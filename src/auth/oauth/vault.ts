import type { Logger } from 'pino';
import { ConnectorError, type TokenSource } from '../../connectors/connector.js';
import type { Db } from '../../catalog/db.js';
import {
  connectionsRefreshedBefore, findConnection, swapConnectionSecrets, type ConnectionRecord,
} from '../../catalog/connections.js';
import type { SecretBox } from '../secret-box.js';
import { GrantGone, type OAuthClient, type TokenSet } from './client.js';
import type { OAuthProvider } from './providers.js';

/** What a connection's sealed secrets hold. */
export interface StoredTokens { accessToken: string; refreshToken: string | null; expiresAt: number | null }

export interface TokenVaultDeps {
  db: Db;
  box: SecretBox;
  client: OAuthClient;
  providers: Map<string, OAuthProvider>;
  log: Logger;
  now?: () => number;
  /** An access token this close to its expiry is refreshed before use. */
  skewMs?: number;
  /** Told once when a connection's grant is refused and it needs reconnecting (webhooks, alerts). */
  onExpired?(orgId: string, connection: { id: string; kind: string; label: string; reason: string }): Promise<void>;
}

export const PROVIDER_SETTING = 'oauthProvider';

/** The provider id a connection was made with, or null for a connection that is not OAuth. */
export function providerOf(settings: Record<string, unknown>): string | null {
  const id = settings[PROVIDER_SETTING];
  return typeof id === 'string' ? id : null;
}

/**
 * The token vault: access tokens for OAuth connections, refreshed shortly before they expire,
 * one refresh at a time per connection in this process, and stored by compare-and-swap so a
 * refresh in another process is never overwritten by an older one. A refused grant turns the
 * connection to needs_reconnect once; from then on every caller gets auth_expired at once,
 * without another request to the provider.
 */
export class TokenVault {
  private readonly inflight = new Map<string, Promise<string>>();
  private readonly now: () => number;

  constructor(private readonly deps: TokenVaultDeps) {
    this.now = deps.now ?? Date.now;
  }

  tokenSource(orgId: string, connectionId: string): TokenSource {
    return { accessToken: (opts) => this.accessToken(orgId, connectionId, opts) };
  }

  seal(tokens: TokenSet | StoredTokens): string {
    const stored: StoredTokens = { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: tokens.expiresAt };
    return this.deps.box.seal(stored);
  }

  open(rec: ConnectionRecord): StoredTokens | null {
    return rec.secrets ? this.deps.box.open<StoredTokens>(rec.secrets) : null;
  }

  provider(rec: ConnectionRecord): OAuthProvider {
    const id = providerOf(rec.settings);
    const p = id ? this.deps.providers.get(id) : undefined;
    if (!p) throw new ConnectorError('auth_expired', `The "${rec.label}" connection was made with ${id ?? 'no'} provider, which this installation no longer offers: ask the administrator to configure it again.`);
    return p;
  }

  async accessToken(orgId: string, connectionId: string, opts: { refresh?: boolean; signal?: AbortSignal } = {}): Promise<string> {
    if (opts.refresh) return this.refresh(orgId, connectionId, { force: true, signal: opts.signal });
    const pending = this.inflight.get(connectionId);
    if (pending) return pending;
    const tokens = this.usable(await findConnection(this.deps.db, orgId, connectionId));
    // Not forced: a caller that read the row just before another caller's refresh landed must
    // take the new tokens, not refresh (and, at Microsoft, rotate) a second time.
    return this.fresh(tokens) ? tokens.accessToken : this.refresh(orgId, connectionId, { force: false, signal: opts.signal });
  }

  /** Valid for longer than the skew (or of unknown lifetime): no refresh needed yet. */
  private fresh(t: StoredTokens): boolean {
    return t.expiresAt === null || t.expiresAt - (this.deps.skewMs ?? 5 * 60_000) > this.now();
  }

  /**
   * One refresh per connection at a time: callers that arrive meanwhile share its result.
   * Without `force` (the API did not refuse the token), tokens that another caller refreshed
   * meanwhile are used as they are.
   */
  refresh(orgId: string, connectionId: string, opts: { force?: boolean; signal?: AbortSignal } = {}): Promise<string> {
    let p = this.inflight.get(connectionId);
    if (!p) {
      p = this.refreshNow(orgId, connectionId, opts.force ?? true, opts.signal).finally(() => this.inflight.delete(connectionId));
      this.inflight.set(connectionId, p);
    }
    return p;
  }

  /** The tokens of a connection that may be used, or auth_expired saying what the user must do. */
  private usable(rec: ConnectionRecord): StoredTokens {
    const tokens = rec.state === 'ready' ? this.open(rec) : null;
    if (!tokens) {
      const why = rec.state === 'disconnected' ? 'was disconnected' : 'needs to be reconnected';
      throw new ConnectorError('auth_expired', `The "${rec.label}" connection ${why}${rec.stateReason ? ` (${rec.stateReason})` : ''}: reconnect it under Connections.`);
    }
    return tokens;
  }

  private async refreshNow(orgId: string, connectionId: string, force: boolean, signal?: AbortSignal): Promise<string> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const rec = await findConnection(this.deps.db, orgId, connectionId);
      const tokens = this.usable(rec);
      if (!force && this.fresh(tokens)) return tokens.accessToken;
      const provider = this.provider(rec);
      if (!tokens.refreshToken) {
        await this.markNeedsReconnect(rec, `${provider.title} gave no refresh token`);
        continue;
      }
      let fresh: TokenSet;
      try {
        fresh = await this.deps.client.refresh(provider, tokens.refreshToken, signal);
      } catch (e) {
        if (!(e instanceof GrantGone)) throw e;
        // If the swap loses, someone stored newer tokens meanwhile: try again with those.
        if (await this.markNeedsReconnect(rec, e.description)) {
          this.deps.log.warn({ connection: connectionId, provider: provider.id }, 'the provider refused the refresh token: the connection needs reconnecting');
        }
        continue;
      }
      // Google and Dropbox keep the refresh token they gave; Microsoft sends a new one each time.
      const next: StoredTokens = { accessToken: fresh.accessToken, refreshToken: fresh.refreshToken ?? tokens.refreshToken, expiresAt: fresh.expiresAt };
      const stored = await swapConnectionSecrets(this.deps.db, orgId, connectionId, rec.secretsVersion, {
        secrets: this.seal(next), state: 'ready', stateReason: null, refreshed: true,
      });
      if (stored) return next.accessToken;
      // Another process refreshed first. Its tokens are the newest: use them, and keep ours out
      // of the store (the refresh token it stored is valid too, even where Microsoft rotates).
      const winner = await findConnection(this.deps.db, orgId, connectionId);
      const theirs = this.usable(winner);
      if (theirs.expiresAt === null || theirs.expiresAt > this.now()) return theirs.accessToken;
    }
    throw new ConnectorError('transient', 'The connection\'s tokens kept changing while Dossier refreshed them; it tries again later.');
  }

  /** Returns true if this call made the change (false: the row changed since it was read). */
  private async markNeedsReconnect(rec: ConnectionRecord, reason: string): Promise<boolean> {
    const changed = await swapConnectionSecrets(this.deps.db, rec.orgId, rec.id, rec.secretsVersion, {
      secrets: rec.secrets, state: 'needs_reconnect', stateReason: reason,
    });
    if (changed && rec.state !== 'needs_reconnect') {
      await this.deps.onExpired?.(rec.orgId, { id: rec.id, kind: rec.kind, label: rec.label, reason }).catch((err) => this.deps.log.error({ err }, 'could not announce an expired connection'));
    }
    return changed;
  }

  /**
   * Refreshes every ready connection not refreshed for `maxAgeMs`: an unused OneDrive refresh
   * token lapses after 90 days, so idle connections are kept alive by a daily refresh.
   */
  async refreshIdle(maxAgeMs = 20 * 3_600_000): Promise<{ refreshed: number; failed: number }> {
    const kinds = [...new Set([...this.deps.providers.values()].map((p) => p.kind))];
    const due = (await connectionsRefreshedBefore(this.deps.db, kinds, new Date(this.now() - maxAgeMs).toISOString()))
      .filter((c) => providerOf(c.settings) !== null);
    let refreshed = 0, failed = 0;
    for (const c of due) {
      try {
        await this.refresh(c.orgId, c.id, { force: true });
        refreshed++;
      } catch (err) {
        failed++;
        this.deps.log.warn({ connection: c.id, err: (err as Error).message }, 'keeping an idle connection alive failed');
      }
    }
    return { refreshed, failed };
  }
}
