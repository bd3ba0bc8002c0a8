import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openDatabase } from '../../src/catalog/db.js';
import { verifyChain } from '../../src/audit/verify.js';
import { freshPostgres, postgresReachable } from '../helpers/databases.js';
import { TEST_LIMITS } from '../helpers/limits.js';
import { startServerProcess } from '../helpers/server-process.js';
import { freePort } from '../servers/net.js';

/**
 * The server killed while changes are being made through the API, many at once: whatever it
 * was doing, afterwards every company that exists has its audit entry and every entry its
 * company, and the chain verifies. Each change and its entry were one transaction; one cut
 * off never committed either. (That an entry refused rolls its change back is shown step by
 * step in src/api/audit-trail.test.ts.)
 */
for (const database of [{ name: 'sqlite', postgres: false }, { name: 'postgresql', postgres: true }]) {
  const skip = database.postgres && !(await postgresReachable()) ? 'PostgreSQL is not reachable (install and start postgresql)' : false;
  describe(`changes cut off by a killed server, on ${database.name}`, { skip }, () => {
    it('leaves no change without its entry, and no entry without its change', async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'dossier-crash-audit-'));
      const pgdb = database.postgres ? await freshPostgres() : null;
      let server: ReturnType<typeof startServerProcess> | null = null;
      try {
        const port = await freePort();
        const env = { ...TEST_LIMITS, DOSSIER_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', ...(pgdb && { DATABASE_URL: pgdb.url }) };
        server = startServerProcess(env);
        await server.waitFor(/Dossier is running/);
        const apiKey = /API key:\s+(dsk_\S+)/.exec(server.output())![1]!;
        const firstCompany = /Company id:\s+(cmp_\S+)/.exec(server.output())![1]!;
        const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
        // Eight writers adding companies without pause, until the server dies under them.
        let answered = 0, cutOff = 0, n = 0;
        let refused: string | null = null;
        const writer = async () => {
          for (;;) {
            const name = `Cut off ${n++}`;
            const res = await fetch(`http://127.0.0.1:${port}/v1/companies`, { method: 'POST', headers, body: JSON.stringify({ name, language: 'nl', timeZone: 'Europe/Brussels' }) })
              .then(async (r) => ({ status: r.status, body: await r.text() }), () => null);
            if (res === null) { cutOff++; return; }
            if (res.status !== 201) { refused = `${res.status} ${res.body}`; return; }
            answered++;
          }
        };
        const writers = Array.from({ length: 8 }, writer);
        while (answered < 40 && !refused) await new Promise((r) => setTimeout(r, 5));
        assert.equal(refused, null, 'every change is taken until the kill');
        server.child.kill('SIGKILL');
        assert.equal((await server.exited).signal, 'SIGKILL');
        await Promise.all(writers);
        assert.ok(cutOff > 0, 'requests were under way when the server died');

        const db = openDatabase({ url: pgdb?.url, sqlitePath: join(dataDir, 'dossier.db') });
        try {
          const orgId = (await db.selectFrom('organizations').select('id').executeTakeFirstOrThrow()).id;
          // On PostgreSQL the killed server's sessions end (and their transactions roll back) as their sockets close.
          const settled = async () => {
            const companies = (await db.selectFrom('companies').select('id').where('name', 'like', 'Cut off %').execute()).map((c) => c.id).sort();
            const entries = (await db.selectFrom('audit_entries').select('object_id').where('object_type', '=', 'company').where('object_id', '!=', firstCompany).execute())
              .map((e) => e.object_id!).sort();
            return { companies, entries };
          };
          let seen = await settled();
          for (let i = 0; database.postgres && i < 100 && seen.companies.length !== seen.entries.length; i++) {
            await new Promise((r) => setTimeout(r, 50));
            seen = await settled();
          }
          assert.ok(seen.companies.length >= 40, `the answered changes are kept (${seen.companies.length})`);
          assert.deepEqual(seen.entries, seen.companies, 'each company has its entry, each entry its company');
          const chain = await verifyChain(db, orgId);
          assert.equal(chain.ok, true, JSON.stringify(chain));
        } finally {
          await db.destroy();
        }
      } finally {
        server?.child.kill('SIGKILL');
        await pgdb?.drop();
        await rm(dataDir, { recursive: true, force: true });
      }
    });
  });
}
