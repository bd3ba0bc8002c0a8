import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { answerConsent } from '../../../test/helpers/consent.js';
import { connectLinks } from '../../../test/helpers/outbox.js';
import { ublInvoice } from '../../../test/helpers/collect.js';
import { startServed, type Served } from '../../../test/helpers/served.js';
import { otherOrganization } from '../harness.test.js';

/**
 * The sandbox's drives: a client's OneDrive connected to a channel shows its files to the
 * firm, a file put into the channel's folder is collected into the inbox at once, and only the
 * organization's own connections are seen or written to, by whom the rights table says.
 */
describe('sandbox drive routes', () => {
  let s: Served;
  let web = '';
  let channelId = '';
  let connectionId = '';
  before(async () => {
    // A stand-in for the built web app: only whether /sandbox/ answers with its page matters here.
    web = await mkdtemp(join(tmpdir(), 'dossier-sandbox-web-'));
    await writeFile(join(web, 'index.html'), '<!doctype html><title>Dossier</title><div id="root"></div>');
    s = await startServed({}, { webRoot: web });
    const adminId = (await s.call('GET', '/v1/users/me')).body.id;
    const channel = await s.call('POST', '/v1/channels', { companyId: s.companyId, name: 'Anna OneDrive', kind: 'onedrive', recipientId: adminId, binderName: 'Purchases', clientEmail: 'anna@example.com', clientName: 'Anna' });
    assert.equal(channel.status, 201, JSON.stringify(channel.body));
    channelId = channel.body.id;
    const token = (await connectLinks(s.deps.config.dataDir)).at(-1)!.split('/connect/')[1]!;
    const started = await s.call('POST', `/v1/invitations/${token}/authorize`, {});
    await fetch(await answerConsent(started.body.url, 'allow', 'anna'), { redirect: 'manual' });
    const drive = s.deps.sandbox!.graph.state.drive('anna');
    drive.putFile(drive.createFolder(drive.get(drive.rootId), 'Invoices', 'fail'), 'first.xml', ublInvoice({ number: 'ANNA-1' }), 'replace');
    assert.equal((await s.call('POST', `/v1/invitations/${token}/folder`, { path: 'Invoices' })).status, 200);
    await s.deps.queue.idle();
    connectionId = (await s.deps.db.selectFrom('channels').select('connection_id').where('id', '=', channelId).executeTakeFirstOrThrow()).connection_id!;
  });
  after(async () => {
    await s?.close();
    if (web) await rm(web, { recursive: true, force: true });
  });

  const put = (id: string, file: { name: string; content: Buffer }, folder: string | null, key = s.apiKey) => {
    const form = new FormData();
    if (folder !== null) form.append('folder', folder);
    form.append('file', new Blob([new Uint8Array(file.content)]), file.name);
    return fetch(`${s.baseUrl}/v1/sandbox/drives/${id}/files`, { method: 'POST', body: form, headers: { authorization: `Bearer ${key}` } });
  };

  it('lists the client\'s drive with its files and the channel that reads it', async () => {
    const res = await s.call('GET', '/v1/sandbox/drives');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.items.length, 1);
    const drive = res.body.items[0];
    assert.equal(drive.connectionId, connectionId);
    assert.equal(drive.provider, 'onedrive-sandbox');
    assert.equal(drive.problem, null);
    assert.deepEqual(drive.files.map((f: { path: string }) => f.path), ['Invoices/first.xml']);
    assert.deepEqual(drive.channels, [{ id: channelId, name: 'Anna OneDrive', folder: 'Invoices', state: 'active' }]);
  });

  it('puts a file into the channel\'s folder, runs the channel at once, and the invoice reaches the inbox', async () => {
    const res = await put(connectionId, { name: 'second.xml', content: ublInvoice({ number: 'ANNA-2' }) }, 'Invoices');
    const body = await res.json() as { file: { path: string }; collecting: Array<{ channelId: string; runId: string }> };
    assert.equal(res.status, 201, JSON.stringify(body));
    assert.equal(body.file.path, 'Invoices/second.xml');
    assert.deepEqual(body.collecting.map((c) => c.channelId), [channelId]);
    await s.deps.queue.idle();
    const run = (await s.call('GET', `/v1/collect-runs/${body.collecting[0]!.runId}`)).body;
    assert.equal(run.run.trigger, 'sandbox');
    assert.equal(run.run.collected, 1, JSON.stringify(run));
    const inbox = (await s.call('GET', '/v1/inbox')).body.items;
    assert.ok(JSON.stringify(inbox).includes('ANNA-2'), 'the new invoice is in the inbox');
    // The drive itself holds it where the client would see it.
    const drive = s.deps.sandbox!.graph.state.drive('anna');
    assert.ok([...drive.items.values()].some((i) => !i.folder && drive.pathOf(i).endsWith('/root:/Invoices/second.xml')));

    // Outside the channel's folder nothing is collected; a program is refused like any upload.
    const elsewhere = await put(connectionId, { name: 'notes.pdf', content: Buffer.from('%PDF-1.4\n% notes\n%%EOF\n') }, 'Private');
    assert.equal(elsewhere.status, 201);
    assert.deepEqual(((await elsewhere.json()) as { collecting: unknown[] }).collecting, []);
    const exe = await put(connectionId, { name: 'tool.exe', content: Buffer.from('MZ\x90\x00\x03\x00\x00\x00') }, 'Invoices');
    assert.equal(exe.status, 400);
    assert.equal(((await exe.json()) as { error: { reason: string } }).error.reason, 'file_type_refused');
    const bad = await put(connectionId, { name: 'x.pdf', content: Buffer.from('%PDF-1.4\n%%EOF\n') }, 'a/../b');
    assert.equal(bad.status, 400);
  });

  it('lets a user without configure_collection look but not put a file in', async () => {
    const user = (await s.call('POST', '/v1/users', { email: 'reader@example.com', name: 'Reader', rights: ['review_inbox'] })).body;
    const key = (await s.call('POST', `/v1/users/${user.id}/api-keys`, { name: 'k' })).body.apiKey;
    assert.equal((await s.call('GET', '/v1/sandbox/drives', undefined, { key })).status, 200);
    const res = await put(connectionId, { name: 'mine.xml', content: ublInvoice({ number: 'R-1' }) }, 'Invoices', key);
    const body = await res.json() as { error: { reason: string; params: { right: string } } };
    assert.equal(res.status, 403);
    assert.equal(body.error.reason, 'missing_right');
    assert.equal(body.error.params.right, 'configure_collection');
  });

  it('shows another organization none of these drives and lets it write to none', async () => {
    const b = await otherOrganization({ deps: s.deps } as Parameters<typeof otherOrganization>[0]);
    const list = await s.call('GET', '/v1/sandbox/drives', undefined, { key: b.apiKey });
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.items, []);
    const res = await put(connectionId, { name: 'theirs.xml', content: ublInvoice({ number: 'B-1' }) }, 'Invoices', b.apiKey);
    assert.equal(res.status, 404);
    const drive = s.deps.sandbox!.graph.state.drive('anna');
    assert.ok(![...drive.items.values()].some((i) => i.name === 'theirs.xml'), 'nothing was written');
  });

  it('answers /sandbox/ with the web app\'s page, and the emulators below it as before', async () => {
    const page = await fetch(`${s.baseUrl}/sandbox/`, { headers: { accept: 'text/html' } });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<div id="root">/);
    const api = await fetch(`${s.baseUrl}/sandbox/`, { headers: { accept: 'application/json' } });
    assert.equal(api.status, 404);
    assert.equal((await fetch(`${s.baseUrl}/sandbox/graph/v1.0/me/drive`)).status, 401, 'the emulator still answers, and wants its token');
  });
});

describe('sandbox drive routes with the sandbox off', () => {
  let s: Served;
  before(async () => { s = await startServed({ DOSSIER_SANDBOX: 'off' }); });
  after(() => s?.close());

  it('answer 503 sandbox_off, and /sandbox/ is not there', async () => {
    const res = await s.call('GET', '/v1/sandbox/drives');
    assert.equal(res.status, 503);
    assert.equal(res.body.error.reason, 'sandbox_off');
    assert.equal((await fetch(`${s.baseUrl}/sandbox/`, { headers: { accept: 'text/html' } })).status, 404);
  });
});
