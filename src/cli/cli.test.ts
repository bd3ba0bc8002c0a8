import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TEST_LIMITS } from '../../test/helpers/limits.js';

/**
 * The real `dossier` binary, spawned against a temp data folder. The first command finds the
 * database empty and sets it up itself (organization, first company, API key on stderr), as
 * `serve` would; the later ones act on that organization.
 */
const repo = join(import.meta.dirname, '..', '..');

interface Result { code: number | null; stdout: string; stderr: string }

let dataDir = '';
function dossier(...args: string[]): Promise<Result> {
  const env: NodeJS.ProcessEnv = { ...process.env, DOSSIER_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...TEST_LIMITS };
  delete env.DATABASE_URL; // this test's own SQLite file, whatever the shell has set
  delete env.DOSSIER_SECRET_KEY;
  return new Promise((resolve, reject) => {
    // stdin is not a terminal here, as in a script or a cron job.
    const child = spawn(process.execPath, [join(repo, 'bin', 'dossier.js'), ...args], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** --json promises exactly one JSON document on stdout. */
function json<T = any>(r: Result): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    assert.fail(`stdout is not one JSON document (exit ${r.code}):\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
}

function ok(r: Result): Result {
  assert.equal(r.code, 0, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

describe('dossier CLI', () => {
  let work = '', inbox = '', root = '';
  let companyId = '', destinationId = '', runId = '';
  const files: Record<string, string> = {
    '2024-03-14 F1.pdf': '%PDF-1.4 invoice F1',
    '2024-03-15 F2.pdf': '%PDF-1.4 invoice F2',
    '2024-04-02_F3.xml': '<Invoice>F3</Invoice>',
    'scan.jpg': 'not really a jpeg',
    'receipt.png': 'not really a png',
  };
  // Where each lands with the company-year-type layout of a Dutch-speaking company.
  const expected: Record<string, string> = {
    '2024-03-14 F1.pdf': 'Acme BV/2024/Verkoopfacturen/2024-03-14 F1.pdf',
    '2024-03-15 F2.pdf': 'Acme BV/2024/Verkoopfacturen/2024-03-15 F2.pdf',
    '2024-04-02_F3.xml': 'Acme BV/2024/Verkoopfacturen/2024-04-02 F3.xml',
    'scan.jpg': 'Acme BV/2023/Verkoopfacturen/2023-06-01 scan.jpg',
    // Modified late on New Year's Eve in UTC: already 2024 in Brussels, the company's time zone.
    'receipt.png': 'Acme BV/2024/Verkoopfacturen/2024-01-01 receipt.png',
  };

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'dossier-cli-'));
    dataDir = join(work, 'data');
    inbox = join(work, 'inbox');
    root = join(work, 'backup');
    await mkdir(inbox);
    for (const [name, body] of Object.entries(files)) await writeFile(join(inbox, name), body);
    await utimes(join(inbox, 'scan.jpg'), new Date('2023-06-01T10:00:00Z'), new Date('2023-06-01T10:00:00Z'));
    await utimes(join(inbox, 'receipt.png'), new Date('2023-12-31T23:30:00Z'), new Date('2023-12-31T23:30:00Z'));
    await writeFile(join(inbox, '.DS_Store'), 'hidden files are not documents');
    // A file that cannot be read (a broken link): reported, and the others still imported.
    await symlink(join(work, 'gone.pdf'), join(inbox, 'broken.pdf'));
  });

  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('sets up an empty database on first use and adds a company', async () => {
    const r = ok(await dossier('companies', 'add', '--name', 'Acme BV', '--language', 'nl', '--time-zone', 'Europe/Brussels', '--json'));
    assert.match(r.stderr, /API key: +dsk_/);
    assert.match(r.stderr, /Sign in as admin@localhost with the password [a-z2-9]{5}-/);
    const company = json(r);
    assert.equal(company.name, 'Acme BV');
    assert.equal(company.language, 'nl');
    companyId = company.id;
  });

  it('lists the first company and the added one', async () => {
    const { companies } = json(ok(await dossier('companies', 'list', '--json')));
    assert.deepEqual(companies.map((c: { name: string }) => c.name), ['My company', 'Acme BV']);
  });

  it('prints the admin\'s first password once, and sets a new one for the web app', async () => {
    const first = await dossier('companies', 'list');
    assert.doesNotMatch(first.stderr, /password/, 'only the first start prints it');
    const r = json(ok(await dossier('users', 'password', '--email', 'admin@localhost', '--json')));
    assert.equal(r.email, 'admin@localhost');
    assert.match(r.password, /^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
    const missing = await dossier('users', 'password', '--email', 'nobody@example.com');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no user nobody@example.com/);
  });

  it('imports a folder, reporting the unreadable file without stopping', async () => {
    const r = await dossier('import', inbox, '--company', companyId, '--json');
    assert.equal(r.code, 1, r.stderr);
    const summary = json(r);
    assert.equal(summary.imported, 5);
    assert.equal(summary.skipped, 0);
    assert.deepEqual(summary.failed.map((f: { file: string }) => f.file), ['broken.pdf']);
  });

  it('imports nothing the second time', async () => {
    const summary = json(await dossier('import', inbox, '--company', companyId, '--json'));
    assert.equal(summary.imported, 0);
    assert.equal(summary.skipped, 5);
  });

  it('adds a local destination', async () => {
    const dst = json(ok(await dossier('destinations', 'add', '--company', companyId, '--name', 'NAS', '--kind', 'local',
      '--root', root, '--layout', 'company-year-type', '--json')));
    assert.equal(dst.kind, 'local');
    assert.equal(dst.state, 'active');
    assert.equal(JSON.stringify(dst).includes(root), false, 'the connection settings are not printed');
    destinationId = dst.id;
  });

  it('syncs in the foreground and puts every file at its layout path', async () => {
    const { run, items } = json(ok(await dossier('destinations', 'sync', destinationId, '--wait', '--json')));
    assert.equal(run.status, 'done');
    assert.equal(run.uploaded, 5);
    assert.deepEqual(items.map((i: { remotePath: string }) => i.remotePath).sort(), Object.values(expected).sort());
    for (const [name, path] of Object.entries(expected)) assert.equal(await readFile(join(root, path), 'utf8'), files[name]);
    runId = run.id;
  });

  it('reports the synced documents in the status', async () => {
    const status = json(ok(await dossier('destinations', 'status', destinationId, '--json')));
    assert.deepEqual(status.documents, { synced: 5, pending: 0, failed: 0 });
    assert.equal(status.runs[0].id, runId);
  });

  it('previews a path as plain text', async () => {
    const r = ok(await dossier('preview', '--company', companyId, '--layout', 'company-year-type', '--type', 'invoice',
      '--date', '2024-03-14', '--number', 'F1', '--counterparty', 'X', '--filename', 'f.pdf', '--kind', 'sftp'));
    assert.equal(r.stdout, 'Acme BV/2024/Verkoopfacturen/2024-03-14 F1 X.pdf\n');
  });

  it('refuses to remove without --yes when nobody can confirm', async () => {
    const r = await dossier('destinations', 'remove', destinationId);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--yes/);
  });

  it('says clearly that a destination does not exist', async () => {
    const r = await dossier('destinations', 'status', 'dst_nosuchthing');
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim(), 'dossier: Destination dst_nosuchthing does not exist in this organization.');
  });

  it('reports failures as JSON with --json, usage mistakes with exit code 2', async () => {
    const missing = await dossier('destinations', 'sync', 'dst_nosuchthing', '--json');
    assert.equal(missing.code, 1);
    assert.equal(json(missing).error.code, 'not_found');
    const usage = await dossier('companies', 'add', '--json');
    assert.equal(usage.code, 2);
    assert.equal(json(usage).error.code, 'usage');
    assert.match(json(usage).error.message, /--name/);
  });

  it('removes with --yes', async () => {
    assert.deepEqual(json(ok(await dossier('destinations', 'remove', destinationId, '--yes', '--json'))), { removed: destinationId });
    const { destinations } = json(ok(await dossier('destinations', 'list', '--json')));
    assert.deepEqual(destinations, []);
  });

  it('removes partial uploads of killed processes with blobs gc, and only counts them with --dry-run', async () => {
    const partial = join(dataDir, 'blobs', 'incoming', '0123456789ab-7');
    await mkdir(join(dataDir, 'blobs', 'incoming'), { recursive: true });
    await writeFile(partial, Buffer.alloc(4096, 1));
    const longAgo = new Date(Date.now() - 7 * 3_600_000);
    await utimes(partial, longAgo, longAgo);
    const dry = json(ok(await dossier('blobs', 'gc', '--dry-run', '--json')));
    assert.deepEqual(dry, { partial: { files: 1, bytes: 4096 }, unreferenced: { files: 0, bytes: 0 }, dryRun: true });
    assert.ok(await readFile(partial), 'a dry run removes nothing');
    assert.match(ok(await dossier('blobs', 'gc')).stdout, /Removed 1 partial upload\(s\), 4\.0 KB\.\nRemoved 0 stored file\(s\) no document refers to/);
    await assert.rejects(readFile(partial), { code: 'ENOENT' });
  });
});
