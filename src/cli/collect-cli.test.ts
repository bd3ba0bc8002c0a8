import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ublInvoice } from '../../test/helpers/collect.js';
import { dossierJson, dossierJsonWith } from '../../test/helpers/cli.js';

describe('dossier channels and inbox (CLI)', () => {
  let work = '';
  const dossier = (...args: string[]): Promise<any> => dossierJson(join(work, 'data'), ...args);
  before(async () => { work = await mkdtemp(join(tmpdir(), 'dossier-cli-collect-')); });
  after(() => rm(work, { recursive: true, force: true }));

  it('adds a local channel, runs it, lists and corrects the inbox, every command in JSON', async () => {
    const src = join(work, 'client');
    await mkdir(src);
    await writeFile(join(src, 'a.xml'), ublInvoice({ number: 'CLI-1' }));
    const channel = await dossier('channels', 'add', '--name', 'Client folder', '--kind', 'local', '--folder', src, '--binder', 'Purchases');
    assert.equal(channel.code, 0, JSON.stringify(channel));
    assert.equal(channel.state, 'active');
    const refused = await dossier('channels', 'run', channel.id);
    assert.equal(refused.code, 2);
    assert.match(refused.error.message, /--yes/);
    const run = await dossier('channels', 'run', channel.id, '--yes');
    assert.deepEqual([run.status, run.collected], ['done', 1]);
    assert.equal((await dossier('channels', 'runs', channel.id)).runs.length, 1);
    assert.deepEqual((await dossier('channels', 'run-show', run.id)).items.map((i: { outcome: string }) => i.outcome), ['collected']);
    assert.equal((await dossier('channels', 'show', channel.id)).files.collected, 1);
    assert.deepEqual((await dossier('binders', 'list')).binders.map((b: { name: string }) => b.name), ['Purchases']);
    const { items } = await dossier('inbox', 'list', '--status', 'to_review');
    assert.equal(items.length, 1);
    const shown = await dossier('inbox', 'show', items[0].id);
    assert.equal(shown.fields.number.value, 'CLI-1');
    const updated = await dossier('inbox', 'update', items[0].id, '--set', 'number=CLI-1A', '--confirm', 'sellerName', '--status', 'done');
    assert.equal(updated.fields.number.value, 'CLI-1A');
    assert.equal(updated.status, 'done');
    assert.equal((await dossier('inbox', 'list', '--status', 'to_review')).items.length, 0);
    const paused = await dossier('channels', 'pause', channel.id);
    assert.equal(paused.state, 'paused');
  });

  it('adds a mailbox signed in to with Microsoft 365: prints the consent page, and the channel waits for the sign-in', async () => {
    const settings = join(work, 'mailbox.json');
    await writeFile(settings, JSON.stringify({ username: 'ap@firm.example' }));
    const app = { DOSSIER_ONEDRIVE_CLIENT_ID: 'cli-test-app', DOSSIER_ONEDRIVE_CLIENT_SECRET: 'cli-test-secret', DOSSIER_BASE_URL: 'https://dossier.firm.example' };
    const add = (...more: string[]) => dossierJsonWith(app, join(work, 'data'), 'channels', 'add', '--name', 'AP mailbox', '--kind', 'email', '--settings-file', settings, ...more);
    const made = await add('--sign-in', 'microsoft-mail');
    assert.equal(made.code, 0, JSON.stringify(made));
    assert.equal(made.state, 'waiting_for_client');
    const url = new URL(made.signInUrl);
    assert.equal(url.origin, 'https://login.microsoftonline.com');
    assert.equal(url.searchParams.get('client_id'), 'cli-test-app');
    assert.equal(url.searchParams.get('redirect_uri'), 'https://dossier.firm.example/v1/oauth/callback');
    assert.match(url.searchParams.get('scope') ?? '', /IMAP\.AccessAsUser\.All/);
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    const unknown = await add('--sign-in', 'yahoo');
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.error.message, /not a mail sign-in of this installation.*microsoft-mail/);
  });
});
