import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CommanderError } from 'commander';
import { DomainError } from '../domain/errors.js';
import { UsageError } from './context.js';
import { settingsFor, type AddOptions } from './destinations-add.js';
import { factsFromName, mimeOf } from './import.js';
import { describeFailure, formatSize, printer, table } from './output.js';

const base: AddOptions = { name: 'x', kind: 'sftp', layout: 'company-year-type', schedule: 'continuous', restoreDeleted: true, respectFolderDeletions: false };

describe('destination settings from the command line', () => {
  let dir = '';
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'dossier-cli-secrets-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it('takes an S3 secret access key from the environment, never from the command line', async () => {
    const s = await settingsFor({ ...base, kind: 's3', bucket: 'backups', accessKeyId: 'AKIA1', secretEnv: 'S3_SECRET', pathStyle: true, endpoint: 'https://minio.example' }, { S3_SECRET: 'k3y' });
    assert.deepEqual(s, { endpoint: 'https://minio.example', region: 'us-east-1', bucket: 'backups', prefix: '', pathStyle: true, accessKeyId: 'AKIA1', secretAccessKey: 'k3y', objectLockYears: 0, objectLock: false, objectLockMode: 'COMPLIANCE', checksumSha256: false });
    await assert.rejects(settingsFor({ ...base, kind: 's3', bucket: 'backups', accessKeyId: 'AKIA1' }, {}), /--secret-env VAR or --secret-file FILE/);
    const governed = await settingsFor({ ...base, kind: 's3', bucket: 'backups', accessKeyId: 'AKIA1', secretEnv: 'S3_SECRET', objectLock: true, objectLockMode: 'governance' }, { S3_SECRET: 'k3y' });
    assert.deepEqual([governed.objectLock, governed.objectLockMode], [true, 'GOVERNANCE']);
    await assert.rejects(settingsFor({ ...base, kind: 's3', bucket: 'backups', accessKeyId: 'AKIA1', secretEnv: 'S3_SECRET', objectLockMode: 'legal' }, { S3_SECRET: 'k3y' }), /COMPLIANCE or GOVERNANCE/);
  });

  it('reads an SFTP password from the environment variable the user names', async () => {
    const s = await settingsFor({ ...base, host: 'h', username: 'u', passwordEnv: 'SFTP_PW' }, { SFTP_PW: 's3cret' });
    assert.deepEqual(s, { host: 'h', port: 22, username: 'u', password: 's3cret', root: '' });
  });

  it('reads a password file without its trailing newline, and a key with its passphrase', async () => {
    await writeFile(join(dir, 'pw'), 'from-file\n');
    await writeFile(join(dir, 'key'), '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n');
    const dav = await settingsFor({ ...base, kind: 'webdav', url: 'https://dav.example/', username: 'u', passwordFile: join(dir, 'pw') }, {});
    assert.equal(dav.password, 'from-file');
    const sftp = await settingsFor({ ...base, host: 'h', username: 'u', keyFile: join(dir, 'key'), passphraseEnv: 'PP', hostKey: 'SHA256:abc' }, { PP: 'words' });
    assert.match(String(sftp.privateKey), /BEGIN OPENSSH PRIVATE KEY/);
    assert.equal(sftp.passphrase, 'words');
    assert.equal(sftp.hostKeySha256, 'SHA256:abc');
  });

  it('refuses missing, empty or doubled secret sources as usage mistakes', async () => {
    await assert.rejects(settingsFor({ ...base, host: 'h', username: 'u' }, {}), UsageError);
    await assert.rejects(settingsFor({ ...base, host: 'h', username: 'u', passwordEnv: 'UNSET' }, {}), /UNSET .*not set/);
    await assert.rejects(settingsFor({ ...base, host: 'h', username: 'u', passwordEnv: 'A', passwordFile: 'f' }, { A: 'x' }), /not both/);
    await assert.rejects(settingsFor({ ...base, kind: 'local' }, {}), /--root/);
    await assert.rejects(settingsFor({ ...base, kind: 'onedrive' }, {}), /web interface/);
  });

  it('makes a local root absolute', async () => {
    assert.deepEqual(await settingsFor({ ...base, kind: 'local', root: 'backups' }, {}), { root: join(process.cwd(), 'backups') });
  });
});

describe('import naming', () => {
  const mtime = new Date('2023-12-31T23:30:00Z');
  it('takes a leading date from the name and the rest as the number', () => {
    assert.deepEqual(factsFromName('2024-03-14 F1.pdf', mtime, 'Europe/Brussels'), { date: '2024-03-14', number: 'F1' });
    assert.deepEqual(factsFromName('2024-03-14.pdf', mtime, 'Europe/Brussels'), { date: '2024-03-14', number: '2024-03-14' });
  });
  it('falls back to the modification day in the company\'s time zone', () => {
    assert.deepEqual(factsFromName('scan.tif', mtime, 'Europe/Brussels'), { date: '2024-01-01', number: 'scan' });
    assert.deepEqual(factsFromName('scan.tif', mtime, 'America/New_York'), { date: '2023-12-31', number: 'scan' });
    assert.deepEqual(factsFromName('2024-13-40 odd.pdf', mtime, 'UTC'), { date: '2023-12-31', number: '2024-13-40 odd' });
  });
  it('knows the usual document types by extension', () => {
    assert.equal(mimeOf('a.PDF'), 'application/pdf');
    assert.equal(mimeOf('a.tif'), 'image/tiff');
    assert.equal(mimeOf('a.xml'), 'application/xml');
    assert.equal(mimeOf('README'), 'application/octet-stream');
  });
});

describe('output', () => {
  it('maps failures to a code, one line and an exit code', () => {
    assert.deepEqual(describeFailure(new DomainError('not_found', 'Destination x does not exist.')), { code: 'not_found', message: 'Destination x does not exist.', exitCode: 1 });
    assert.equal(describeFailure(new UsageError('bad')).exitCode, 2);
    assert.equal(describeFailure(new CommanderError(1, 'commander.missingMandatoryOptionValue', "error: required option '--name <name>' not specified")).message, "required option '--name <name>' not specified");
    assert.equal(describeFailure(new Error('first\n  second')).message, 'first second');
  });

  it('prints one JSON document with --json and keeps hints off stdout', () => {
    const out: string[] = [], err: string[] = [];
    const p = printer(true, { out: (s) => out.push(s), err: (s) => err.push(s) });
    p.result({ a: 1 }, () => 'human');
    p.note('a hint');
    assert.deepEqual(JSON.parse(out.join('')), { a: 1 });
    assert.deepEqual(err, []);
  });

  it('pads tables and writes sizes briefly', () => {
    assert.deepEqual(table(['ID', 'NAME'], [['a', 'x'], ['bbb', null]]), ['ID   NAME', 'a    x', 'bbb  -']);
    assert.equal(formatSize(512), '512 B');
    assert.equal(formatSize(1536), '1.5 KB');
    assert.equal(formatSize(5 * 1024 ** 3), '5.0 GB');
  });
});
