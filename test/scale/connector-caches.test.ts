import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/log/log.js';
import { buildDeps, type Deps } from '../../src/main/deps.js';
import { bootstrapIfEmpty } from '../../src/auth/bootstrap.js';
import { sandboxProviders } from '../../src/auth/oauth/providers.js';
import { startGraphEmulator, type GraphEmulator } from '../../src/sandbox/graph/server.js';
import { startOAuthEmulator, type OAuthEmulator } from '../../src/sandbox/oauth/server.js';
import { answerConsent } from '../helpers/consent.js';
import { freshPostgres, postgresReachable, PG_ADMIN } from '../helpers/databases.js';
import { TEST_LIMITS } from '../helpers/limits.js';

const CHILD = fileURLToPath(new URL('./pass-child.ts', import.meta.url));
const REDIRECT = 'http://127.0.0.1:9/v1/oauth/callback';
const APP = { clientId: 'dossier-test', clientSecret: 'test-secret', redirectUrl: REDIRECT };

/** A second Dossier process that runs passes when told to, keeping its connectors and tokens between them. */
function startPassProcess(env: Record<string, string>) {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CHILD], { stdio: ['pipe', 'pipe', 'inherit'], env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DOSSIER_SANDBOX: 'off', ...env } });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => JSON.parse((await lines.next()).value as string) as { ready?: boolean; status: string; uploaded: number; error: string | null };
  return {
    child, ready: next,
    pass: async (orgId: string, destinationId: string) => { child.stdin!.write(`pass ${orgId} ${destinationId}\n`); return next(); },
  };
}

/**
 * The open-connector and token caches of one process when another changed the connection
 * (docs/scale.md): process B keeps its OneDrive connector and token between passes; process A
 * (this one) refreshes the token or disconnects the account. B must take A's token, not refresh
 * again (at Microsoft that rotates the refresh token once more), and must stop writing to an
 * account A disconnected, though Microsoft cannot revoke its still-valid access token.
 */
describe('open connectors and OAuth tokens when another process changed the connection', { skip: !(await postgresReachable()) && `PostgreSQL is not reachable at ${PG_ADMIN}` }, () => {
  let graph: GraphEmulator;
  let auth: OAuthEmulator & { url: string; stop(): Promise<void> };
  let database: { url: string; drop(): Promise<void> };
  let dataDir = '';
  let deps: Deps;
  let first: NonNullable<Awaited<ReturnType<typeof bootstrapIfEmpty>>>;
  let other: ReturnType<typeof startPassProcess>;

  before(async () => {
    graph = await startGraphEmulator();
    auth = await startOAuthEmulator({
      issuers: { microsoft: { tokenFor: graph.tokenFor, expireTokens: (u) => graph.state.expireTokens(u) } },
      clients: [{ provider: 'microsoft', ...APP, redirectUris: [REDIRECT] }],
    });
    database = await freshPostgres();
    dataDir = await mkdtemp(join(tmpdir(), 'dossier-connector-caches-'));
    const env = { ...TEST_LIMITS, DATABASE_URL: database.url, DOSSIER_DATA_DIR: dataDir, DOSSIER_SECRET_KEY: randomBytes(32).toString('base64'), DOSSIER_DEBOUNCE_MS: '600000', LOG_LEVEL: 'silent', DOSSIER_SANDBOX: 'off' };
    const providers = sandboxProviders({ authOrigin: auth.url, app: APP, apis: { onedrive: { baseUrl: graph.url }, gdrive: {}, dropbox: {} } });
    deps = await buildDeps({ config: loadConfig(env), log: silentLogger, providers });
    first = (await bootstrapIfEmpty(deps.db))!;
    other = startPassProcess({ ...env, TEST_OAUTH_URL: auth.url, TEST_GRAPH_URL: graph.url, TEST_OAUTH_APP: JSON.stringify(APP) });
    assert.ok((await other.ready()).ready);
  });

  after(async () => {
    other?.child.kill('SIGKILL');
    await deps?.close();
    await database?.drop();
    await auth?.stop();
    await graph?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const add = (label: string) => deps.vault.create(first.orgId, first.companyId,
    { type: 'invoice', number: label, date: '2024-05-01', counterparty: 'C', amount: '1.00', currency: 'EUR', businessAccount: null },
    { body: Readable.from([Buffer.from(`%PDF-1.4 ${label}`)]), filename: `${label}.pdf`, mime: 'application/pdf' });
  const connectAs = async (login: string) => {
    const { url } = await deps.connections.authorize({ orgId: first.orgId, userId: first.userId }, 'onedrive-sandbox');
    const connectionId = (await deps.connections.complete(await answerConsent(url, 'allow', login), null)).connectionId;
    const dst = await deps.backup.add(first.orgId, {
      companyId: first.companyId, name: `OneDrive ${login}`, kind: 'onedrive', connectionId, settings: { root: `Dossier ${login}` },
      layout: '{file}', startDate: null, schedule: 'daily@03:00', restoreDeleted: true, respectFolderDeletions: false,
    });
    return { connectionId, destinationId: dst.id };
  };

  it('a token another process refreshed is used as it is, not refreshed once more', async () => {
    const { connectionId, destinationId } = await connectAs('erin');
    await add('E-1');
    assert.deepEqual(await other.pass(first.orgId, destinationId), { status: 'done', uploaded: 1, error: null });
    // The access token B holds ends; A refreshes (Microsoft rotates the refresh token too).
    graph.state.expireTokens('erin');
    await deps.tokens.refresh(first.orgId, connectionId);
    const refreshes = auth.stats.refreshes.microsoft;
    await add('E-2');
    assert.deepEqual(await other.pass(first.orgId, destinationId), { status: 'done', uploaded: 1, error: null });
    assert.equal(auth.stats.refreshes.microsoft, refreshes, 'B took the token A stored instead of refreshing with it');
  });

  it('an account another process disconnected is not written to with the token still held', async () => {
    const { connectionId, destinationId } = await connectAs('frank');
    await add('F-1');
    const before = await other.pass(first.orgId, destinationId);
    assert.equal(before.status, 'done');
    // Microsoft has no revocation: the access token B holds stays valid at Graph for its hour.
    await deps.connections.disconnect(first.orgId, connectionId);
    await add('F-2');
    const afterwards = await other.pass(first.orgId, destinationId);
    assert.equal(afterwards.uploaded, 0, 'nothing went to the disconnected account');
    assert.equal(afterwards.status, 'blocked');
    assert.match(afterwards.error ?? '', /disconnected/);
  });
});
