import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../../src/config/config.js';
import { Writable } from 'node:stream';
import { createLogger, silentLogger } from '../../src/log/log.js';
import { buildDeps } from '../../src/main/deps.js';
import { buildServer } from '../../src/api/server.js';
import { startServed, type Served } from '../helpers/served.js';
import { freshPostgres, testDatabases } from '../helpers/databases.js';

/**
 * Password guessing is slowed per account and client, and the count holds when the guesses
 * arrive all at once or at several server processes sharing one database. A client locked out
 * of an account does not lock its real user out: the lockout is per (account, client address).
 */
const ATTACKER = '198.51.100.7';
const REAL_USER = '203.0.113.20';

function signIn(app: FastifyInstance, email: string, password: string, from: { remoteAddress?: string; forwardedFor?: string } = {}): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST', url: '/v1/session', payload: { email, password },
    ...(from.remoteAddress && { remoteAddress: from.remoteAddress }),
    ...(from.forwardedFor && { headers: { 'x-forwarded-for': from.forwardedFor } }),
  });
}

async function served(database: string, env: Record<string, string> = {}): Promise<Served & { drop(): Promise<void> }> {
  const pg = database === 'postgresql' ? await freshPostgres() : null;
  const s = await startServed({ ...(pg && { DATABASE_URL: pg.url }), ...env });
  return { ...s, drop: async () => { await s.close(); await pg?.drop(); } };
}

for (const database of await testDatabases()) {
  describe(`sign-in limiting on ${database.name}`, { skip: database.skip }, () => {
    it('30 wrong passwords at once, at two server processes: at most 5 are checked, the rest get 429 with Retry-After; the real user from another address still signs in', async (t) => {
      const s = await served(database.name);
      // A second process on the same database: the count is in the database, not in one process.
      const second = await buildDeps({ config: s.deps.config, log: silentLogger });
      const secondApp = await buildServer({ ...second });
      t.after(async () => { await secondApp.close(); await second.close(); await s.drop(); });

      const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => signIn(i % 2 ? secondApp : s.app, s.email, `wrong guess ${i}`, { remoteAddress: ATTACKER })));
      const statuses = answers.map((a) => a.statusCode);
      assert.deepEqual([...new Set(statuses)].sort(), [401, 429], `only 401 and 429: ${statuses.join(',')}`);
      assert.ok(statuses.filter((c) => c === 401).length <= 5, `at most 5 passwords checked, got ${statuses.filter((c) => c === 401).length}`);
      for (const refused of answers.filter((a) => a.statusCode === 429)) {
        assert.equal(refused.json().error.code, 'too_many_attempts');
        assert.ok(Number(refused.headers['retry-after']) > 0, 'Retry-After in seconds');
        assert.match(refused.json().error.message, /Try again in \d+ minute/);
      }
      // The attacker's address stays locked out, even with the right password.
      assert.equal((await signIn(s.app, s.email, s.password, { remoteAddress: ATTACKER })).statusCode, 429);
      // The real user, from their own address, is not.
      const real = await signIn(secondApp, s.email, s.password, { remoteAddress: REAL_USER });
      assert.equal(real.statusCode, 200, real.body);
      assert.match(String(real.headers['set-cookie']), /dossier_session=/);
    });

    it('one address guessing across many accounts is capped overall; other addresses are not', async (t) => {
      const s = await served(database.name);
      t.after(() => s.drop());
      const spray = await Promise.all(Array.from({ length: 20 }, (_, i) => signIn(s.app, `user${i}@example.com`, 'password123', { remoteAddress: ATTACKER })));
      assert.ok(spray.every((a) => a.statusCode === 401), '20 failures from one address are answered');
      const capped = await signIn(s.app, s.email, s.password, { remoteAddress: ATTACKER });
      assert.equal(capped.statusCode, 429, 'then that address is refused for every account');
      assert.ok(Number(capped.headers['retry-after']) > 0);
      assert.equal((await signIn(s.app, s.email, s.password, { remoteAddress: REAL_USER })).statusCode, 200);
    });
  });
}

describe('the client address behind a reverse proxy', () => {
  const lockOut = async (app: FastifyInstance, email: string, forwardedFor: string) => {
    for (let i = 0; i < 5; i++) assert.equal((await signIn(app, email, `wrong ${i}`, { forwardedFor })).statusCode, 401);
  };

  for (const trust of ['127.0.0.1', '1']) {
    it(`with DOSSIER_TRUST_PROXY=${trust}, X-Forwarded-For tells clients apart`, async (t) => {
      const s = await served('sqlite', { DOSSIER_TRUST_PROXY: trust });
      t.after(() => s.drop());
      await lockOut(s.app, s.email, ATTACKER);
      assert.equal((await signIn(s.app, s.email, s.password, { forwardedFor: ATTACKER })).statusCode, 429, 'the guessing client is locked out');
      assert.equal((await signIn(s.app, s.email, s.password, { forwardedFor: REAL_USER })).statusCode, 200, 'another client behind the same proxy is not');
    });
  }

  it('without it, X-Forwarded-For is ignored: a client cannot claim another address; the log says once that a proxy is not believed', async (t) => {
    const s = await served('sqlite');
    const lines: string[] = [];
    const app = await buildServer({ ...s.deps, log: createLogger('info', new Writable({ write(chunk: Buffer, _e, done) { lines.push(chunk.toString()); done(); } })) });
    t.after(async () => { await app.close(); await s.drop(); });
    await lockOut(app, s.email, ATTACKER);
    assert.equal((await signIn(app, s.email, s.password, { forwardedFor: REAL_USER })).statusCode, 429);
    const notes = lines.filter((l) => l.includes('DOSSIER_TRUST_PROXY does not name'));
    assert.equal(notes.length, 1, 'one note, not one per request');
  });

  it('DOSSIER_TRUST_PROXY takes true, a hop count, or addresses and CIDR ranges; anything else stops the start with a message', () => {
    assert.equal(loadConfig({}).trustProxy, false);
    assert.equal(loadConfig({ DOSSIER_TRUST_PROXY: 'true' }).trustProxy, true);
    assert.equal(loadConfig({ DOSSIER_TRUST_PROXY: 'false' }).trustProxy, false);
    assert.equal(loadConfig({ DOSSIER_TRUST_PROXY: '2' }).trustProxy, 2);
    assert.deepEqual(loadConfig({ DOSSIER_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,::1,loopback' }).trustProxy, ['10.0.0.0/8', '127.0.0.1', '::1', 'loopback']);
    assert.throws(() => loadConfig({ DOSSIER_TRUST_PROXY: 'nginx.local' }), /DOSSIER_TRUST_PROXY.*CIDR/);
    assert.throws(() => loadConfig({ DOSSIER_TRUST_PROXY: '10.0.0.0/40' }), /DOSSIER_TRUST_PROXY/);
  });
});
