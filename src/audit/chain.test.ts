import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { migrate, openDatabase, type Db } from '../catalog/db.js';
import { createOrganization } from '../catalog/organizations.js';
import { SYSTEM } from '../domain/audit.js';
import { recordAudit } from './log.js';
import { verifyChain } from './verify.js';
import { freshPostgres, postgresReachable, PG_ADMIN } from '../../test/helpers/databases.js';
import { dossierJsonWith } from '../../test/helpers/cli.js';

/** A data folder with a migrated database: SQLite inside it, or a fresh PostgreSQL database. */
interface Place { db: Db; dataDir: string; env: NodeJS.ProcessEnv; target: string; drop(): Promise<void> }

async function sqlitePlace(): Promise<Place> {
  const dataDir = await mkdtemp(join(tmpdir(), 'dossier-audit-'));
  const target = join(dataDir, 'dossier.db');
  const db = openDatabase({ sqlitePath: target });
  await migrate(db);
  return { db, dataDir, env: {}, target, drop: async () => { await db.destroy(); await rm(dataDir, { recursive: true, force: true }); } };
}

async function postgresPlace(): Promise<Place> {
  const dataDir = await mkdtemp(join(tmpdir(), 'dossier-audit-'));
  const { url, drop } = await freshPostgres();
  const db = openDatabase({ url, sqlitePath: '' });
  await migrate(db);
  return { db, dataDir, env: { DATABASE_URL: url }, target: url, drop: async () => { await db.destroy(); await drop(); await rm(dataDir, { recursive: true, force: true }); } };
}

async function orgWithChain(db: Db, name: string, entries: number): Promise<string> {
  const orgId = await createOrganization(db, name);
  for (let i = 1; i <= entries; i++) {
    await recordAudit(db, orgId, { type: 'settings.changed', actor: { kind: 'user', id: 'usr_a' }, objectType: 'destination', objectId: `dst_${i}`, details: { field: 'schedule', to: `daily@0${i % 10}:00` } });
  }
  return orgId;
}

function appendFromProcess(target: string, orgId: string, count: number, label: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../../test/helpers/audit-appender.ts'), target, orgId, String(count), label], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('close', (code) => (code === 0 && out.includes('done') ? resolve() : reject(new Error(`appender ${label} exited ${code}: ${err}`))));
  });
}

const pgSkip = (await postgresReachable()) ? false : `PostgreSQL is not reachable at ${PG_ADMIN} (install and start postgresql)`;

for (const [name, open, skip] of [['sqlite', sqlitePlace, false], ['postgresql', postgresPlace, pgSkip]] as const) {
  describe(`audit chain on ${name}`, { skip }, () => {
    const places: Place[] = [];
    after(async () => { for (const p of places) await p.drop(); });

    it('a whole chain passes; a changed field, a deleted row, swapped rows and a cut-off end fail naming the entry', async () => {
      const place = await open();
      places.push(place);
      const { db } = place;
      const clean = await orgWithChain(db, 'Clean', 12);
      const tampered = await orgWithChain(db, 'Tampered', 12);
      const deleted = await orgWithChain(db, 'Deleted', 12);
      const reordered = await orgWithChain(db, 'Reordered', 12);
      const truncated = await orgWithChain(db, 'Truncated', 12);

      const whole = await dossierJsonWith(place.env, place.dataDir, 'audit', 'verify');
      assert.equal(whole.code, 0, JSON.stringify(whole));
      assert.equal(whole.ok, true);
      assert.equal(whole.organizations.length, 5);

      // Straight in SQL, as someone with access to the database would.
      await sql`UPDATE audit_entries SET details = ${'{"field":"schedule","to":"continuous"}'} WHERE org_id = ${tampered} AND seq = 5`.execute(db);
      await sql`DELETE FROM audit_entries WHERE org_id = ${deleted} AND seq = 7`.execute(db);
      await sql`UPDATE audit_entries SET seq = -4 WHERE org_id = ${reordered} AND seq = 4`.execute(db);
      await sql`UPDATE audit_entries SET seq = 4 WHERE org_id = ${reordered} AND seq = 3`.execute(db);
      await sql`UPDATE audit_entries SET seq = 3 WHERE org_id = ${reordered} AND seq = -4`.execute(db);
      await sql`DELETE FROM audit_entries WHERE org_id = ${truncated} AND seq > 10`.execute(db);

      const broken = await dossierJsonWith(place.env, place.dataDir, 'audit', 'verify');
      assert.equal(broken.code, 1);
      assert.equal(broken.ok, false);
      const byOrg = new Map(broken.organizations.map((r: { orgId: string }) => [r.orgId, r]));
      const failure = (orgId: string) => (byOrg.get(orgId) as { firstFailure: { seq: number; problem: string; message: string } | null }).firstFailure;
      assert.equal(failure(clean), null);
      assert.deepEqual([failure(tampered)!.seq, failure(tampered)!.problem], [5, 'hash_mismatch']);
      assert.match(failure(tampered)!.message, /Entry 5 was changed/);
      assert.deepEqual([failure(deleted)!.seq, failure(deleted)!.problem], [7, 'missing_entry']);
      // Entry 3 now holds what was 4: its hash covers its seq, so it is the first not to match.
      assert.equal(failure(reordered)!.seq, 3);
      assert.ok(['hash_mismatch', 'previous_mismatch'].includes(failure(reordered)!.problem));
      assert.deepEqual([failure(truncated)!.seq, failure(truncated)!.problem], [11, 'truncated']);

      const one = await dossierJsonWith(place.env, place.dataDir, 'audit', 'verify', '--org', clean);
      assert.equal(one.code, 0);
      assert.deepEqual(one.organizations.map((r: { orgId: string }) => r.orgId), [clean]);
    });

    it('entries appended by several processes at once make one chain, without gaps or forks', async () => {
      const place = await open();
      places.push(place);
      const orgId = await createOrganization(place.db, 'Busy');
      await Promise.all(['a', 'b', 'c'].map((label) => appendFromProcess(place.target, orgId, 40, label)));
      await recordAudit(place.db, orgId, { type: 'audit.head', actor: SYSTEM });
      const report = await verifyChain(place.db, orgId);
      assert.equal(report.ok, true, JSON.stringify(report.firstFailure));
      assert.equal(report.entries, 121);
      const writers = await place.db.selectFrom('audit_entries').select(['details']).where('org_id', '=', orgId).execute();
      for (const label of ['a', 'b', 'c']) assert.equal(writers.filter((w) => JSON.parse(w.details).writer === label).length, 40);
    });
  });
}
