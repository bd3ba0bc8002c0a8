import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
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
 * The server killed while a collection channel is being added: its rows (binder, connection,
 * channel) are written, the connection test is under way (an SFTP server that accepts and never
 * answers), the audit entry not yet written. After the kill none of them, and no entry, is
 * there: the change and its entry were one transaction, and it never committed.
 */
for (const database of [{ name: 'sqlite', postgres: false }, { name: 'postgresql', postgres: true }]) {
  const skip = database.postgres && !(await postgresReachable()) ? 'PostgreSQL is not reachable (install and start postgresql)' : false;
  describe(`a change cut off by a killed server, on ${database.name}`, { skip }, () => {
    it('leaves neither the change nor its entry', async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'dossier-crash-audit-'));
      const pgdb = database.postgres ? await freshPostgres() : null;
      const sockets: Socket[] = [];
      let reached!: () => void;
      const testStarted = new Promise<void>((r) => { reached = r; });
      const silent = createServer((s) => { sockets.push(s); reached(); });
      await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
      try {
        const port = await freePort();
        const env = { ...TEST_LIMITS, DOSSIER_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', ...(pgdb && { DATABASE_URL: pgdb.url }) };
        const server = startServerProcess(env);
        await server.waitFor(/Dossier is running/);
        const apiKey = /API key:\s+(dsk_\S+)/.exec(server.output())![1]!;
        const companyId = /Company id:\s+(cmp_\S+)/.exec(server.output())![1]!;
        const sftpPort = (silent.address() as { port: number }).port;
        const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
        const users = await (await fetch(`http://127.0.0.1:${port}/v1/users`, { headers })).json() as { items: Array<{ id: string }> };
        const adding = fetch(`http://127.0.0.1:${port}/v1/channels`, {
          method: 'POST', headers,
          body: JSON.stringify({ companyId, name: 'Cut off', kind: 'sftp', recipientId: users.items[0]!.id, binderName: 'Cut-off binder', settings: { host: '127.0.0.1', port: sftpPort, username: 'u', password: 'p' } }),
        }).then(() => 'answered', () => 'cut off');
        await testStarted;
        server.child.kill('SIGKILL');
        assert.equal((await server.exited).signal, 'SIGKILL');
        assert.equal(await adding, 'cut off');

        const db = openDatabase({ url: pgdb?.url, sqlitePath: join(dataDir, 'dossier.db') });
        try {
          // On PostgreSQL the killed server's session ends (and its transaction rolls back) as its socket closes.
          for (let i = 0; database.postgres && i < 100; i++) {
            const open = await db.selectFrom('channels').select('id').where('name', '=', 'Cut off').execute();
            if (open.length === 0) break;
            await new Promise((r) => setTimeout(r, 50));
          }
          assert.deepEqual(await db.selectFrom('channels').select('id').where('name', '=', 'Cut off').execute(), []);
          assert.deepEqual(await db.selectFrom('binders').select('id').where('name', '=', 'Cut-off binder').execute(), []);
          assert.deepEqual(await db.selectFrom('connections').select('id').execute(), []);
          assert.deepEqual(await db.selectFrom('audit_entries').select('seq').where('object_type', '=', 'channel').execute(), []);
          const orgId = (await db.selectFrom('organizations').select('id').executeTakeFirstOrThrow()).id;
          const chain = await verifyChain(db, orgId);
          assert.equal(chain.ok, true, JSON.stringify(chain));
        } finally {
          await db.destroy();
        }
      } finally {
        for (const s of sockets) s.destroy();
        silent.close();
        await pgdb?.drop();
        await rm(dataDir, { recursive: true, force: true });
      }
    });
  });
}
