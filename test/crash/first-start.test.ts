import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openDatabase } from '../../src/catalog/db.js';
import { authenticateApiKey } from '../../src/auth/api-keys.js';
import { ADMIN_EMAIL, FIRST_START_MARKER } from '../../src/auth/bootstrap.js';
import { checkCredentials } from '../../src/auth/sessions.js';
import { freshPostgres, postgresReachable } from '../helpers/databases.js';
import { startServerProcess } from '../helpers/server-process.js';
import { freePort } from '../servers/net.js';

const KILLS = 6;

interface Notice { apiKey: string; password: string; interruptedBefore: boolean }

function noticeIn(output: string): Notice | null {
  const key = /API key:\s+(dsk_\S+)/.exec(output)?.[1];
  const password = /with the password (\S+)/.exec(output)?.[1];
  if (!key || !password) return null;
  return { apiKey: key, password, interruptedBefore: /An earlier first start was stopped before it finished/.test(output) };
}

/**
 * Starts the server and kills it with SIGKILL at a random point: some time after its start, or
 * the moment its first start begins (its marker file appears) and a few milliseconds later, so
 * that kills land before, inside and just after the set-up's transaction.
 */
async function killedStart(env: Record<string, string>, dataDir: string): Promise<string> {
  const server = startServerProcess(env);
  const marker = join(dataDir, FIRST_START_MARKER);
  const atMarker = Math.random() < 0.7;
  const delay = atMarker ? Math.floor(Math.random() * 15) : 200 + Math.floor(Math.random() * 2500);
  const kill = () => { clearInterval(watch); setTimeout(() => server.child.kill('SIGKILL'), delay); };
  // Once set up, a start makes no marker: it is killed when it is running instead.
  const watch = setInterval(() => { if (!atMarker || existsSync(marker)) kill(); }, atMarker ? 1 : delay);
  void server.waitFor(/Dossier is running/).then(kill, () => undefined);
  await server.exited;
  clearInterval(watch);
  return server.output();
}

for (const database of [{ name: 'sqlite', postgres: false }, { name: 'postgresql', postgres: true }]) {
  const skip = database.postgres && !(await postgresReachable()) ? 'PostgreSQL is not reachable (install and start postgresql)' : false;
  describe(`first start killed with SIGKILL, on ${database.name}`, { skip }, () => {
    it('ends set up once, with credentials that were shown and work, and says when an earlier start was lost', async (t) => {
      const dataDir = await mkdtemp(join(tmpdir(), 'dossier-crash-first-'));
      const pgdb = database.postgres ? await freshPostgres() : null;
      t.after(async () => { await pgdb?.drop(); await rm(dataDir, { recursive: true, force: true }); });
      const port = await freePort();
      const env = { DOSSIER_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', ...(pgdb && { DATABASE_URL: pgdb.url }) };

      const outputs: string[] = [];
      for (let i = 0; i < KILLS; i++) outputs.push(await killedStart(env, dataDir));
      const last = startServerProcess(env);
      await last.waitFor(/Dossier is running/);
      last.child.kill('SIGTERM');
      await last.exited;
      outputs.push(last.output());

      const db = openDatabase({ url: pgdb?.url, sqlitePath: join(dataDir, 'dossier.db') });
      t.after(() => db.destroy());
      const rows = async (table: 'organizations' | 'companies' | 'api_keys' | 'users') => db.selectFrom(table).selectAll().execute();
      assert.equal((await rows('organizations')).length, 1, 'one organization');
      assert.equal((await rows('companies')).length, 1, 'with its company');
      assert.equal((await rows('api_keys')).length, 1, 'and its API key');
      const users = await rows('users');
      assert.equal(users.length, 1);
      assert.ok((users[0] as { password_hash: string | null }).password_hash, 'and the admin\'s password');

      const notices = outputs.map(noticeIn);
      const shown = notices.flatMap((n, i) => (n ? [{ ...n, run: i }] : []));
      assert.ok(shown.length > 0, 'the credentials were shown');
      const working: number[] = [];
      for (const n of shown) {
        const keyWorks = await authenticateApiKey(db, n.apiKey).then(() => true, () => false);
        if (keyWorks) {
          assert.ok(await checkCredentials(db, ADMIN_EMAIL, n.password), 'the password shown with the working key works');
          working.push(n.run);
        }
      }
      assert.equal(working.length, 1, 'exactly one start showed the credentials that were kept');
      assert.equal(working[0], shown.at(-1)!.run, 'and it is the last start that showed any');
      // Credentials shown by a start killed before its commit do not work: the next start to show some says so.
      for (let i = 0; i < shown.length - 1; i++) assert.ok(shown[i + 1]!.interruptedBefore, `run ${shown[i + 1]!.run} says the earlier first start was stopped`);
      assert.equal(existsSync(join(dataDir, FIRST_START_MARKER)), false, 'no marker is left once set up');
    });
  });
}
