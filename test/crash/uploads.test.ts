import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openDatabase } from '../../src/catalog/db.js';
import { FileBlobStore } from '../../src/vault/blobs.js';
import { freshPostgres, postgresReachable } from '../helpers/databases.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { freePort } from '../servers/net.js';

const SLOW_UPLOADS = 3;
const QUICK_WORKERS = 4;
const CHUNK = 256 * 1024;

/**
 * POST /v1/documents with the file streamed `chunks` chunks at a time, `pauseMs` apart, as a
 * slow client sends it. Resolves with the status, or null when the connection broke.
 */
function streamUpload(port: number, key: string, companyId: string, number: string, chunks: number, pauseMs: number): Promise<{ status: number; id?: string } | null> {
  const boundary = `----dossier${randomBytes(8).toString('hex')}`;
  const field = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const head = [field('companyId', companyId), field('type', 'invoice'), field('number', number), field('date', '2024-03-14')].join('')
    + `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${number}.pdf"\r\nContent-Type: application/pdf\r\n\r\n`;
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/documents', headers: { authorization: `Bearer ${key}`, 'content-type': `multipart/form-data; boundary=${boundary}` } }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, id: (() => { try { return JSON.parse(body).id; } catch { return undefined; } })() }));
      res.on('error', () => resolve(null));
    });
    req.on('error', () => resolve(null));
    req.write(head + `%PDF-1.4 ${number} `);
    let sent = 0;
    const next = () => {
      if (req.destroyed) return;
      if (sent++ < chunks) { req.write(randomBytes(CHUNK)); setTimeout(next, pauseMs); return; }
      req.end(`\r\n--${boundary}--\r\n`);
    };
    next();
  });
}

async function started(env: Record<string, string>): Promise<ServerProcess> {
  const server = startServerProcess(env);
  await server.waitFor(/Dossier is running/);
  return server;
}

for (const database of [{ name: 'sqlite', postgres: false }, { name: 'postgresql', postgres: true }]) {
  const skip = database.postgres && !(await postgresReachable()) ? 'PostgreSQL is not reachable (install and start postgresql)' : false;
  describe(`the server killed with SIGKILL during uploads, on ${database.name}`, { skip }, () => {
    it('leaves no partial upload and no unreferenced file once restarted for one clean-up period', async (t) => {
      const dataDir = await mkdtemp(join(tmpdir(), 'dossier-crash-uploads-'));
      const pgdb = database.postgres ? await freshPostgres() : null;
      t.after(async () => { await pgdb?.drop(); await rm(dataDir, { recursive: true, force: true }); });
      const port = await freePort();
      const env = { DOSSIER_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'debug', ...(pgdb && { DATABASE_URL: pgdb.url }) };
      const incoming = join(dataDir, 'blobs', 'incoming');

      const first = await started(env);
      const key = /API key:\s+(dsk_\S+)/.exec(first.output())![1]!;
      const companyId = /Company id:\s+(cmp_\S+)/.exec(first.output())![1]!;
      let killed = false;
      // 400 chunks 50 ms apart: still being sent at the kill however slowly the machine answers the quick ones.
      const slow = Array.from({ length: SLOW_UPLOADS }, (_, i) => streamUpload(port, key, companyId, `SLOW-${i}`, 400, 50));
      let answeredBeforeKill = 0;
      const quick = Array.from({ length: QUICK_WORKERS }, async (_, w) => {
        const answers: Array<{ status: number; id?: string } | null> = [];
        for (let n = 0; !killed; n++) {
          const answer = await streamUpload(port, key, companyId, `Q-${w}-${n}`, 1 + (n % 3), 0);
          if (answer?.status === 201 && !killed) answeredBeforeKill++;
          answers.push(answer);
        }
        return answers;
      });
      // Killed at a random moment once some uploads were answered (a loaded machine takes longer to
      // answer the first), while the slow ones are still sending.
      for (let waited = 0; answeredBeforeKill === 0 && waited < 15_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300 + Math.floor(Math.random() * 700)));
      first.child.kill('SIGKILL');
      killed = true;
      await first.exited;
      const answered = (await Promise.all(quick)).flat().filter((a): a is { status: number; id: string } => a?.status === 201 && !!a.id);
      assert.ok((await Promise.all(slow)).every((a) => a === null), 'the slow uploads were cut off');
      assert.ok((await readdir(incoming)).length > 0, 'the killed uploads left partial files');

      // Next start, with a clean-up period of two seconds: wait for the start-up run and one more.
      const second = await started({ ...env, DOSSIER_BLOB_GRACE_SECONDS: '1', DOSSIER_INCOMING_MAX_AGE_SECONDS: '1', DOSSIER_BLOB_GC_INTERVAL_SECONDS: '2' });
      const runs = () => (second.output().match(/storage clean-up/g) ?? []).length;
      const seen = runs();
      // At most 20 s: a server without the clean-up is stopped all the same, and the checks below say what is left.
      await Promise.race([second.waitFor(new RegExp(`(storage clean-up[\\s\\S]*){${seen + 2}}`)), new Promise((r) => setTimeout(r, 20_000).unref())]);
      second.child.kill('SIGTERM');
      await second.exited;

      assert.deepEqual(await readdir(incoming), [], 'no partial upload is left');
      const db = openDatabase({ url: pgdb?.url, sqlitePath: join(dataDir, 'dossier.db') });
      t.after(() => db.destroy());
      const referenced = new Set((await db.selectFrom('document_versions').select('sha256').execute()).map((r) => r.sha256));
      const stored: string[] = [];
      for await (const b of new FileBlobStore(join(dataDir, 'blobs')).list()) stored.push(b.sha256);
      assert.deepEqual(stored.filter((h) => !referenced.has(h)), [], 'no stored file without a document');
      assert.deepEqual([...referenced].filter((h) => !stored.includes(h)), [], 'every document keeps its bytes');
      const ids = new Set((await db.selectFrom('documents').select('id').execute()).map((r) => r.id));
      for (const a of answered) assert.ok(ids.has(a.id), `the document answered 201 (${a.id}) is there`);
      assert.ok(answered.length > 0, 'some uploads were answered before the kill');
    });
  });
}
