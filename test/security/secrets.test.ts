import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/config.js';
import { createLogger, scrubText } from '../../src/log/log.js';
import { buildDeps, type Deps } from '../../src/main/deps.js';
import { bootstrapIfEmpty } from '../../src/auth/bootstrap.js';
import { buildServer } from '../../src/api/server.js';

/**
 * One-time tokens stay out of the log (request URLs, the outbox's mail lines), and the data
 * folder is readable by Dossier's own user only: set so at creation, and fixed at start-up.
 */
function capturing() {
  const lines: string[] = [];
  const stream = new Writable({ write(chunk: Buffer, _e, done) { lines.push(chunk.toString()); done(); } });
  return { log: createLogger('info', stream), text: () => lines.join('') };
}

async function dossier(dataDir: string, log = capturing()): Promise<{ deps: Deps; text: () => string; close(): Promise<void> }> {
  const config = loadConfig({ DOSSIER_DATA_DIR: dataDir, DOSSIER_DEBOUNCE_MS: '0' });
  const deps = await buildDeps({ config, log: log.log });
  return { deps, text: log.text, close: () => deps.close() };
}

const mode = async (path: string) => ((await stat(path)).mode & 0o777).toString(8).padStart(4, '0');
const token = (prefix: string) => `${prefix}_${'Q7x'.repeat(14)}A`;

describe('secrets in logs', () => {
  it('a user invitation link is in the outbox mail, and in its log line only without its token', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'dossier-secrets-'));
    const d = await dossier(join(dir, 'data'));
    t.after(async () => { await d.close(); await rm(dir, { recursive: true, force: true }); });
    const first = (await bootstrapIfEmpty(d.deps.db))!;
    await d.deps.users.invitations.invite(first.orgId, null, { email: 'new@example.com', name: 'New', role: 'member', rights: [], language: 'en' });
    const outbox = join(d.deps.config.dataDir, 'outbox');
    const mails = await Promise.all((await readdir(outbox)).map((f) => readFile(join(outbox, f), 'utf8')));
    const tokens = mails.join('').replace(/=\r?\n/g, '').match(/dui_[A-Za-z0-9_-]{43}/g) ?? [];
    assert.ok(tokens.length > 0, 'the mail holds the link');
    assert.match(d.text(), /mail written to the outbox/);
    assert.match(d.text(), /\/join\/dui_\[redacted\]/, 'the log line names the link, token taken out');
    for (const secret of tokens) assert.ok(!d.text().includes(secret), 'no invitation token in the log');
  });

  it('request URLs are logged without one-time tokens, API keys, OAuth codes and states', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'dossier-secrets-'));
    const d = await dossier(join(dir, 'data'));
    const app = await buildServer({ ...d.deps });
    t.after(async () => { await app.close(); await d.close(); await rm(dir, { recursive: true, force: true }); });
    const secrets = {
      dci: token('dci'), dui: token('dui'), dsk: `dsk_0123456789ab_${'k'.repeat(32)}`,
      code: 'M.R3_BAY.c0de-s3cret', state: 'st4te-s3cret-value', access: 'ya29.access-s3cret',
    };
    for (const url of [
      `/connect/${secrets.dci}`, `/connect/${secrets.dci}/authorize`, `/v1/invitations/${secrets.dci}`,
      `/v1/user-invitations/${secrets.dui}`, `/join/${secrets.dui}`,
      `/v1/nothing?key=${secrets.dsk}`, `/v1/oauth/callback?code=${secrets.code}&state=${secrets.state}`,
      `/v1/companies?access_token=${secrets.access}`,
    ]) await app.inject({ method: url.endsWith('/authorize') ? 'POST' : 'GET', url, headers: { authorization: `Bearer ${secrets.dsk}` } });
    const log = d.text();
    assert.match(log, /incoming request/, 'requests are logged');
    assert.match(log, /"url":"\/connect\/dci_\[redacted\]"/, 'with their URL, the token taken out');
    assert.match(log, /"url":"\/v1\/user-invitations\/dui_\[redacted\]"/);
    for (const [name, secret] of Object.entries(secrets)) assert.ok(!log.includes(secret), `${name} is not in the log`);
  });

  it('one redaction for every kind of secret in text', () => {
    const text = [
      `https://x/connect/${token('dci')}`, `https://x/join/${token('dui')}`, `Bearer ${token('abc')}`,
      `dsk_0123456789ab_${'k'.repeat(32)}`, '/v1/oauth/callback?state=abc123&code=xyz789', 'cookie: dossier_session=s3ss10n; other=1',
      '?refresh_token=r1&id_token=i1&client_secret=c1&password=p1',
    ].join(' ');
    const out = scrubText(text);
    for (const secret of [token('dci'), token('dui'), token('abc'), 'k'.repeat(32), 'abc123', 'xyz789', 's3ss10n', 'r1', 'i1', 'c1', 'p1']) {
      assert.ok(!out.includes(secret), `${secret} is taken out of: ${out}`);
    }
    assert.match(out, /dsk_0123456789ab_\[redacted\]/, 'an API key keeps its public prefix, to tell which key it was');
    assert.match(out, /other=1/, 'what is not a credential stays readable');
  });
});

describe('file modes of the data folder', () => {
  it('a new data folder, its database (and -wal, -shm), blobs and outbox are for Dossier\'s user only', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'dossier-modes-'));
    const data = join(dir, 'data');
    const d = await dossier(data);
    t.after(async () => { await d.close(); await rm(dir, { recursive: true, force: true }); });
    const first = (await bootstrapIfEmpty(d.deps.db))!;
    await d.deps.users.invitations.invite(first.orgId, null, { email: 'new@example.com', name: 'New', role: 'member', rights: [], language: 'en' });
    await d.deps.blobs.put((await import('node:stream')).Readable.from([Buffer.from('%PDF-1.4 x')]));
    assert.equal(await mode(data), '0700');
    for (const f of ['dossier.db', 'dossier.db-wal', 'dossier.db-shm', 'secret.key']) assert.equal(await mode(join(data, f)), '0600', f);
    assert.equal(await mode(join(data, 'blobs')), '0700');
    assert.equal(await mode(join(data, 'outbox')), '0700');
    for (const f of await readdir(join(data, 'outbox'))) assert.equal(await mode(join(data, 'outbox', f)), '0600', f);
  });

  it('an existing data folder readable by others is tightened at start-up, with a note in the log', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'dossier-modes-'));
    const data = join(dir, 'data');
    const before = await dossier(data);
    await before.close();
    await mkdir(join(data, 'outbox'), { recursive: true });
    await mkdir(join(data, 'blobs'), { recursive: true });
    await writeFile(join(data, 'outbox', 'old.eml'), 'To: a@example.com\n');
    for (const p of [data, join(data, 'outbox'), join(data, 'blobs')]) await chmod(p, 0o755);
    for (const p of ['dossier.db', 'outbox/old.eml', 'secret.key']) await chmod(join(data, p), 0o644);
    const d = await dossier(data);
    t.after(async () => { await d.close(); await rm(dir, { recursive: true, force: true }); });
    assert.equal(await mode(data), '0700');
    assert.equal(await mode(join(data, 'outbox')), '0700');
    assert.equal(await mode(join(data, 'blobs')), '0700');
    for (const f of ['dossier.db', 'dossier.db-wal', 'dossier.db-shm', 'secret.key', 'outbox/old.eml']) assert.equal(await mode(join(data, f)), '0600', f);
    assert.match(d.text(), /tightened from 0755 to 0700: it was readable by other users/, 'the log says what was changed');
    assert.match(d.text(), /outbox\/old\.eml tightened from 0644 to 0600/);
  });
});
