import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { testDatabases } from '../../../test/helpers/databases.js';
import { answerConsent } from '../../../test/helpers/consent.js';
import { silentLogger } from '../../log/log.js';
import type { Db } from '../../catalog/db.js';
import { createOrganization } from '../../catalog/organizations.js';
import { findConnection } from '../../catalog/connections.js';
import { isConnectorError, type TokenSource } from '../../connectors/connector.js';
import { MemoryConnector } from '../../connectors/memory/connector.js';
import { onedriveDefinition, onedriveSettings } from '../../connectors/onedrive/index.js';
import { startGraphEmulator, type GraphEmulator } from '../../sandbox/graph/server.js';
import { startOAuthEmulator, type OAuthEmulator } from '../../sandbox/oauth/server.js';
import { SecretBox } from '../secret-box.js';
import { OAuthClient } from './client.js';
import { ConnectionService, type OpenConnector } from './connections.js';
import { sandboxProviders, type OAuthProvider } from './providers.js';
import { TokenVault } from './vault.js';

const REDIRECT = 'http://127.0.0.1:9/v1/oauth/callback';
const APP = { clientId: 'dossier-test', clientSecret: 'test-secret', redirectUrl: REDIRECT };

/** Holds every refresh until released: makes two processes' refreshes interleave on purpose. */
class GatedClient extends OAuthClient {
  gate: Promise<void> | null = null;
  private arrived!: () => void;
  /** Resolves once a refresh has its answer from the provider and waits at the gate. */
  readonly waiting = new Promise<void>((r) => { this.arrived = r; });
  override async refresh(p: OAuthProvider, token: string, signal?: AbortSignal) {
    const fresh = await super.refresh(p, token, signal);
    this.arrived();
    await this.gate;
    return fresh;
  }
}

for (const database of await testDatabases()) {
  describe(`OAuth connections and the token vault (${database.name})`, { skip: database.skip }, () => {
    let graph: GraphEmulator;
    let auth: OAuthEmulator & { url: string; stop(): Promise<void> };
    let db: Db;
    let drop: () => Promise<void>;
    let orgId: string;
    const box = new SecretBox(randomBytes(32));
    const google = { tokenFor: (u: string) => `g_${u}_${randomBytes(6).toString('hex')}` };
    const dropbox = { tokenFor: (u: string) => `sl.${u}_${randomBytes(6).toString('hex')}` };
    let providers: OAuthProvider[];
    const open: OpenConnector = async (kind, settings, tokens) =>
      kind === 'onedrive' ? onedriveDefinition.create(onedriveSettings.parse(settings), { tokens }) : withAccount(new MemoryConnector(), tokens);
    // Google's and Dropbox's stand-ins tell the account from the token, which names its user (tokenFor below).
    const withAccount = (c: MemoryConnector, tokens: TokenSource) => Object.assign(c, {
      account: async () => { const user = (await tokens.accessToken()).split(/[_.]/)[1]!; return { name: user, id: `id-${user}` }; },
    });
    const make = (opts: { client?: OAuthClient; stateTtlMs?: number } = {}) => {
      const client = opts.client ?? new OAuthClient();
      const vault = new TokenVault({ db, box, client, providers: new Map(providers.map((p) => [p.id, p])), log: silentLogger });
      return { vault, service: new ConnectionService({ db, box, client, vault, providers, open, log: silentLogger, stateTtlMs: opts.stateTtlMs }) };
    };
    const caller = () => ({ orgId, userId: 'usr_test' });

    before(async () => {
      graph = await startGraphEmulator();
      auth = await startOAuthEmulator({
        issuers: { microsoft: { tokenFor: graph.tokenFor, expireTokens: (u) => graph.state.expireTokens(u) }, google, dropbox },
        clients: (['microsoft', 'google', 'dropbox'] as const).map((provider) => ({ provider, ...APP, redirectUris: [REDIRECT] })),
      });
      providers = sandboxProviders({ authOrigin: auth.url, app: APP, apis: { onedrive: { baseUrl: graph.url }, gdrive: {}, dropbox: {} } });
      ({ db, drop } = await database.open());
      orgId = await createOrganization(db, 'Org');
    });
    after(async () => { await drop?.(); await auth?.stop(); await graph?.stop(); });

    async function connect(service: ConnectionService, login: string, provider = 'onedrive-sandbox'): Promise<string> {
      const { url } = await service.authorize(caller(), provider);
      return (await service.complete(await answerConsent(url, 'allow', login), null)).connectionId;
    }

    it('connects with PKCE, stores the tokens sealed, and shows the account and its free space', async () => {
      const { service, vault } = make();
      const { url } = await service.authorize(caller(), 'onedrive-sandbox');
      const q = new URL(url).searchParams;
      assert.equal(q.get('code_challenge_method'), 'S256');
      assert.equal(q.get('scope'), 'Files.ReadWrite offline_access');
      const back = await answerConsent(url, 'allow', 'alice');
      const { connectionId } = await service.complete(back, null);
      const raw = await db.selectFrom('connections').selectAll().where('id', '=', connectionId).executeTakeFirstOrThrow();
      assert.match(raw.secrets!, /^v1\./);
      const token = await vault.accessToken(orgId, connectionId);
      assert.ok(token.length > 20 && !raw.secrets!.includes(token), 'no token in clear');
      const view = await service.get(orgId, connectionId);
      assert.equal(view.state, 'ready');
      assert.equal(view.account?.name, 'alice');
      assert.ok(view.quota?.free && view.quota.free > 0);
      assert.equal(view.label, 'OneDrive (sandbox): alice');
      await assert.rejects(service.complete(back, null), /already used/, 'a state is single-use');
    });

    it('refuses a denied consent, an expired state and a state from another browser', async () => {
      const { service } = make();
      const denied = await answerConsent((await service.authorize(caller(), 'onedrive-sandbox')).url, 'deny');
      await assert.rejects(service.complete(denied, null), /declined/);
      const bound = await service.authorize(caller(), 'onedrive-sandbox', { browser: true });
      assert.ok(bound.browserBinding);
      const back = await answerConsent(bound.url, 'allow');
      await assert.rejects(service.complete(back, 'another-browser'), /another browser/);
      const stale = make({ stateTtlMs: -1 }).service;
      await assert.rejects(stale.complete(await answerConsent((await stale.authorize(caller(), 'onedrive-sandbox')).url, 'allow'), null), /expired/);
    });

    it('refreshes before expiry, once for many callers, and stores Microsoft\'s rotated refresh token', async () => {
      const { service } = make();
      const id = await connect(service, 'bob');
      const { vault } = make();
      // The access token is about to expire (within the five minutes of skew).
      const stored = await findConnection(db, orgId, id);
      const soon = { ...vault.open(stored)!, expiresAt: Date.now() + 60_000 };
      await db.updateTable('connections').set({ secrets: box.seal(soon) }).where('id', '=', id).execute();
      const before = await findConnection(db, orgId, id);
      const refreshes = auth.stats.refreshes.microsoft;
      const tokens = await Promise.all(Array.from({ length: 8 }, () => vault.accessToken(orgId, id)));
      assert.equal(auth.stats.refreshes.microsoft - refreshes, 1, 'one refresh for eight callers');
      assert.equal(new Set(tokens).size, 1);
      assert.notEqual(tokens[0], soon.accessToken);
      assert.equal(await vault.accessToken(orgId, id), tokens[0], 'a fresh token is used as it is');
      assert.equal(auth.stats.refreshes.microsoft - refreshes, 1);
      const afterRow = await findConnection(db, orgId, id);
      assert.equal(afterRow.secretsVersion, before.secretsVersion + 1);
      assert.notEqual(vault.open(afterRow)!.refreshToken, vault.open(before)!.refreshToken, 'the rotated refresh token is kept');
      const me = await fetch(`${graph.url}/me`, { headers: { authorization: `Bearer ${tokens[0]}` } });
      assert.equal(me.status, 200);
    });

    it('never overwrites newer tokens stored by another process', async () => {
      const { service } = make();
      const id = await connect(service, 'carol');
      const slow = new GatedClient();
      let release!: () => void;
      slow.gate = new Promise((r) => { release = r; });
      const a = make({ client: slow }).vault, b = make().vault;
      const pending = a.refresh(orgId, id);
      await slow.waiting; // A has read the row and holds fresh tokens, not stored yet
      const fromB = await b.refresh(orgId, id);
      const stored = await findConnection(db, orgId, id);
      release();
      assert.equal(await pending, fromB, 'A lost the swap and uses the newest tokens');
      const now = await findConnection(db, orgId, id);
      assert.equal(now.secretsVersion, stored.secretsVersion, 'A stored nothing over them');
      assert.equal(typeof await b.refresh(orgId, id), 'string', 'the stored refresh token still works');
    });

    it('invalid_grant: the connection needs reconnecting and callers stop reaching the provider', async () => {
      const { service, vault } = make();
      const id = await connect(service, 'dave');
      auth.revokeGrant('microsoft', 'dave');
      await assert.rejects(vault.accessToken(orgId, id, { refresh: true }), (e) => isConnectorError(e, 'auth_expired'));
      const rec = await findConnection(db, orgId, id);
      assert.equal(rec.state, 'needs_reconnect');
      assert.match(rec.stateReason!, /AADSTS50173/);
      const refreshes = auth.stats.refreshes.microsoft;
      for (let i = 0; i < 5; i++) await assert.rejects(vault.accessToken(orgId, id, { refresh: true }), /reconnect/);
      assert.equal(auth.stats.refreshes.microsoft, refreshes, 'no more requests to the provider');
      const view = await service.get(orgId, id);
      assert.equal(view.reconnect, `/v1/connections/${id}/reconnect`);

      // Reconnecting the same account makes it ready again.
      const { url } = await service.reconnect(caller(), id, {});
      await service.complete(await answerConsent(url, 'allow', 'dave'), null);
      assert.equal((await findConnection(db, orgId, id)).state, 'ready');
      const other = await service.reconnect(caller(), id, {});
      await assert.rejects(service.complete(await answerConsent(other.url, 'allow', 'mallory'), null), /another .* account/);
    });

    it('keeps idle connections alive with a refresh at least daily', async () => {
      const { service, vault } = make();
      const id = await connect(service, 'erin');
      await db.updateTable('connections').set({ refreshed_at: new Date(Date.now() - 25 * 3_600_000).toISOString() }).where('id', '=', id).execute();
      const got = await vault.refreshIdle();
      assert.ok(got.refreshed >= 1);
      const rec = await findConnection(db, orgId, id);
      assert.ok(Date.parse(rec.refreshedAt!) > Date.now() - 60_000);
    });

    it('disconnecting revokes at Google and Dropbox and deletes the tokens; Microsoft has nothing to revoke', async () => {
      const { service, vault } = make();
      const g = await connect(service, 'fay', 'gdrive-sandbox');
      const res = await service.disconnect(orgId, g);
      assert.deepEqual(res, { revoked: true, note: null });
      assert.deepEqual(auth.grants('google', 'fay').map((x) => x.revoked), [true]);
      const rec = await findConnection(db, orgId, g);
      assert.equal(rec.secrets, null);
      assert.equal(rec.state, 'disconnected');
      await assert.rejects(vault.accessToken(orgId, g), (e) => isConnectorError(e, 'auth_expired'));

      const d = await connect(service, 'fay', 'dropbox-sandbox');
      assert.deepEqual(await service.disconnect(orgId, d), { revoked: true, note: null });
      assert.deepEqual(auth.grants('dropbox', 'fay').map((x) => x.revoked), [true]);

      const m = await connect(service, 'gus');
      const ms = await service.disconnect(orgId, m);
      assert.equal(ms.revoked, false);
      assert.match(ms.note!, /no endpoint to revoke/);
    });

    it('keeps a Google grant that another connection of the same account still uses, since revoking one token ends them all', async () => {
      const { service, vault } = make();
      const first = await connect(service, 'hana', 'gdrive-sandbox');
      const second = await connect(service, 'hana', 'gdrive-sandbox');
      const other = await connect(service, 'ivo', 'gdrive-sandbox');
      assert.deepEqual(await service.disconnect(orgId, first), { revoked: false, note: null });
      assert.ok(auth.grants('google', 'hana').every((x) => !x.revoked));
      assert.ok(await vault.accessToken(orgId, second), 'the other connection of the account still works');
      // Once no other connection holds it, the grant is given back; another account's is not touched.
      assert.deepEqual(await service.disconnect(orgId, second), { revoked: true, note: null });
      assert.ok(auth.grants('google', 'hana').every((x) => x.revoked), 'Google ends the whole grant, whichever token is sent');
      assert.deepEqual(auth.grants('google', 'ivo').map((x) => x.revoked), [false]);
      assert.ok(await vault.accessToken(orgId, other));
    });
  });
}
