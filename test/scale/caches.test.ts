import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/log/log.js';
import { buildDeps, type Deps } from '../../src/main/deps.js';
import { bootstrapIfEmpty } from '../../src/auth/bootstrap.js';
import { freshPostgres, postgresReachable, PG_ADMIN } from '../helpers/databases.js';
import { dossierJsonWith } from '../helpers/cli.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { createServer } from 'node:net';

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address() as { port: number }; s.close(() => resolve(port)); });
});

/**
 * What one process knows must not go stale when another changed the database (docs/scale.md):
 * - the names a destination holds: a pass after another process's pass sees the names that
 *   pass wrote (a stale list would hand a taken name out again and overwrite the other
 *   document's file); the other process here is the real `dossier` binary;
 * - the sign-in limits: counted in the database, so attempts on two API processes add up at once.
 */
describe('per-process caches when another process changed things', { skip: !(await postgresReachable()) && `PostgreSQL is not reachable at ${PG_ADMIN}` }, () => {
  let database: { url: string; drop(): Promise<void> };
  let dataDir = '';
  let root = '';
  let env: Record<string, string> = {};
  let deps: Deps;
  let first: NonNullable<Awaited<ReturnType<typeof bootstrapIfEmpty>>>;
  const processes: ServerProcess[] = [];

  before(async () => {
    database = await freshPostgres();
    dataDir = await mkdtemp(join(tmpdir(), 'dossier-caches-'));
    root = await mkdtemp(join(tmpdir(), 'dossier-caches-dst-'));
    env = { DATABASE_URL: database.url, DOSSIER_DATA_DIR: dataDir, DOSSIER_SECRET_KEY: randomBytes(32).toString('base64'), DOSSIER_DEBOUNCE_MS: '60000', DOSSIER_LOCAL_ROOTS: root };
    deps = await buildDeps({ config: loadConfig({ ...env, LOG_LEVEL: 'silent' }), log: silentLogger });
    first = (await bootstrapIfEmpty(deps.db))!;
  });

  after(async () => {
    for (const p of processes) p.child.kill('SIGKILL');
    await Promise.all(processes.map((p) => p.exited));
    await deps?.close();
    await database?.drop();
    for (const dir of [dataDir, root]) await rm(dir, { recursive: true, force: true });
  });

  it('a pass after another process\'s pass sees the names that process gave out', async () => {
    const add = (label: string) => deps.vault.create(first.orgId, first.companyId,
      { type: 'invoice', number: null, date: '2024-05-01', counterparty: null, amount: null, currency: null, businessAccount: null },
      { body: Readable.from([Buffer.from(`%PDF-1.4 ${label}`)]), filename: 'same.pdf', mime: 'application/pdf' });
    // Every document is named after its file: all three want the same name.
    const dst = await deps.backup.add(first.orgId, {
      companyId: first.companyId, name: 'Shared', kind: 'local', settings: { root }, layout: '{file}', startDate: null,
      schedule: 'continuous', restoreDeleted: true, respectFolderDeletions: false,
    });
    await add('one');
    await deps.backup.syncNow(first.orgId, dst.id); // this process now keeps the names: same.pdf

    await add('two');
    const other = await dossierJsonWith(env, dataDir, 'destinations', 'sync', dst.id, '--wait');
    assert.equal(other.code, 0, JSON.stringify(other));

    await add('three');
    await deps.backup.syncNow(first.orgId, dst.id);
    const files = (await readdir(root)).sort();
    assert.deepEqual(files, ['2024-05-01 same (2).pdf', '2024-05-01 same (3).pdf', '2024-05-01 same.pdf']);
    const bytes = await Promise.all(files.map((f) => readFile(join(root, f), 'utf8')));
    assert.deepEqual(bytes, ['%PDF-1.4 two', '%PDF-1.4 three', '%PDF-1.4 one'], 'no document overwrote another');
  });

  it('counts sign-in attempts made on two API processes together, at once', async () => {
    const ports = [await freePort(), await freePort()];
    for (const port of ports) {
      const api = startServerProcess({ ...env, LOG_LEVEL: 'info', PORT: String(port) }, ['--role=api']);
      processes.push(api);
      await api.waitFor(/Dossier is running/);
    }
    const signIn = (port: number, password: string) => fetch(`http://127.0.0.1:${port}/v1/session`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: first.email, password }),
    });
    // Five wrong passwords, the two processes taking turns: each saw at most three itself.
    for (let i = 0; i < 5; i++) assert.equal((await signIn(ports[i % 2]!, `wrong-${i}`)).status, 401);
    const refused = await signIn(ports[1]!, first.password);
    assert.equal(refused.status, 429, 'the sixth attempt is refused, even with the right password');
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
  });
});
