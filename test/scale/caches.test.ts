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

/**
 * The names a destination holds are kept in each process between passes (docs/scale.md). When
 * another process ran the destination since, the next pass here must see the names it wrote:
 * a stale list would hand a taken name out again and overwrite the other document's file.
 * The bound is the next pass; the other process here is the real `dossier` binary.
 */
describe('per-process caches when another process changed things', { skip: !(await postgresReachable()) && `PostgreSQL is not reachable at ${PG_ADMIN}` }, () => {
  let database: { url: string; drop(): Promise<void> };
  let dataDir = '';
  let root = '';
  let env: Record<string, string> = {};
  let deps: Deps;

  before(async () => {
    database = await freshPostgres();
    dataDir = await mkdtemp(join(tmpdir(), 'dossier-caches-'));
    root = await mkdtemp(join(tmpdir(), 'dossier-caches-dst-'));
    env = { DATABASE_URL: database.url, DOSSIER_DATA_DIR: dataDir, DOSSIER_SECRET_KEY: randomBytes(32).toString('base64'), DOSSIER_DEBOUNCE_MS: '60000', DOSSIER_LOCAL_ROOTS: root };
    deps = await buildDeps({ config: loadConfig({ ...env, LOG_LEVEL: 'silent' }), log: silentLogger });
  });

  after(async () => {
    await deps?.close();
    await database?.drop();
    for (const dir of [dataDir, root]) await rm(dir, { recursive: true, force: true });
  });

  it('a pass after another process\'s pass sees the names that process gave out', async () => {
    const first = (await bootstrapIfEmpty(deps.db))!;
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
});
