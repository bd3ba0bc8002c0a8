import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions } from 'fastify';
import { otherOrganization, startApi, type Api } from '../harness.test.js';
import { appendMessages, composeMail, dovecotSettings, tinyPdf } from '../../../test/helpers/mail.js';
import { startDovecot, DOVECOT_MISSING, type TestDovecot } from '../../../test/servers/dovecot.js';

/**
 * Changing an IMAP channel's server after it was made (PATCH /v1/channels/{id} with settings),
 * against two real Dovecots: the password is sealed and never shown, left out it stays, a
 * change is tried before it is stored, and a move to another server reads that mailbox from
 * its start while filing nothing twice.
 */
const first = await startDovecot();
const second = first && await startDovecot();

describe('changing the mailbox of an e-mail channel', { skip: first && second ? false : DOVECOT_MISSING }, () => {
  const a = first as TestDovecot, b = second as TestDovecot;
  let api: Api;
  let channelId = '';
  before(async () => {
    api = await startApi();
    const me = (await api.call({ method: 'GET', url: '/v1/users/me' })).json().id;
    await appendMessages(a, [
      await composeMail({ messageId: '<m1@supplier.example>', attachments: [{ filename: 'm1.pdf', content: tinyPdf('m1') }] }),
      await composeMail({ messageId: '<m2@supplier.example>', attachments: [{ filename: 'm2.pdf', content: tinyPdf('m2') }] }),
    ]);
    const res = await api.call({ method: 'POST', url: '/v1/channels', payload: {
      companyId: api.companyId, name: 'Purchases', kind: 'email', recipientId: me, binderName: 'Purchases', settings: dovecotSettings(a), mail: { others: 'accept' },
    } });
    assert.equal(res.statusCode, 201, res.body);
    channelId = res.json().id;
  });
  after(async () => { await api?.close(); await a?.stop(); await b?.stop(); });

  const detail = async () => (await api.call({ method: 'GET', url: `/v1/channels/${channelId}` })).json();
  const patch = (settings: Record<string, unknown>, key?: string) => api.call({ method: 'PATCH', url: `/v1/channels/${channelId}`, payload: { settings }, key });
  const run = async () => {
    const res = await api.call({ method: 'POST', url: `/v1/channels/${channelId}/run`, payload: { confirm: true } });
    assert.equal(res.statusCode, 202, res.body);
    await api.deps.queue.idle();
    const got = (await api.call({ method: 'GET', url: `/v1/collect-runs/${res.json().runId}` })).json();
    assert.equal(got.run.status, 'done', JSON.stringify(got.run));
    return got.items as Array<{ path: string; outcome: string }>;
  };
  const stored = async () => api.deps.db.selectFrom('connections').innerJoin('channels', 'channels.connection_id', 'connections.id')
    .select(['connections.settings', 'connections.secrets', 'channels.cursor', 'channels.folder']).where('channels.id', '=', channelId).executeTakeFirstOrThrow();

  it('shows the server without its password, and collects from it', async () => {
    const c = await detail();
    assert.deepEqual(c.server, { host: a.host, port: a.port, tls: true, username: a.username, mailbox: 'INBOX', signIn: null, signedIn: true, privateCa: true });
    assert.ok(!JSON.stringify(c).includes(a.password), 'the password is not in the answer');
    assert.equal((await run()).filter((i) => i.outcome === 'collected').length, 2);
  });

  it('lets only users with configure_collection of the organization change it', async () => {
    const before = await stored();
    const user = (await api.call({ method: 'POST', url: '/v1/users', payload: { email: 'reviewer@example.com', name: 'Reviewer', rights: ['review_inbox'] } })).json();
    const reviewer = (await api.call({ method: 'POST', url: `/v1/users/${user.id}/api-keys`, payload: { name: 'k' } })).json().apiKey as string;
    const change = { host: b.host, port: b.port, password: b.password };
    const refused = await patch(change, reviewer);
    assert.equal(refused.statusCode, 403, refused.body);
    assert.equal(refused.json().error.reason, 'missing_right');
    const other = await otherOrganization(api);
    assert.equal((await patch(change, other.apiKey)).statusCode, 404);
    // Starting a sign-in is configuring too.
    const signIn: InjectOptions = { method: 'POST', url: `/v1/channels/${channelId}/sign-in`, payload: {} };
    assert.equal((await api.call({ ...signIn, key: reviewer })).statusCode, 403);
    assert.equal((await api.call({ ...signIn, key: other.apiKey })).statusCode, 404);
    const noKey: InjectOptions = { method: 'PATCH', url: `/v1/channels/${channelId}`, payload: { settings: change } };
    assert.equal((await api.call({ ...noKey, key: null })).statusCode, 401);
    assert.deepEqual(await stored(), before, 'nothing changed');
  });

  it('refuses settings it cannot open the mailbox with, and keeps the old ones', async () => {
    const before = await stored();
    const wrong = await patch({ password: 'not-the-password' });
    assert.equal(wrong.statusCode, 400, wrong.body);
    assert.equal(wrong.json().error.reason, 'mailbox_unreachable');
    const bad = await patch({ port: 0 });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(await stored(), before);
    assert.equal((await patch({ password: 'x', username: a.username, host: a.host, extra: 1 } as never)).statusCode, 400, 'unknown fields are refused');
  });

  it('keeps the password when it is left out or empty, and the UID state when the mailbox stays the same', async () => {
    const before = await stored();
    const res = await patch({ password: '', tls: true });
    assert.equal(res.statusCode, 200, res.body);
    const after = await stored();
    assert.equal(after.secrets, before.secrets, 'the sealed password is the same');
    assert.equal(after.cursor, before.cursor);
    assert.ok(after.cursor, 'the cursor stays');
    assert.deepEqual(await run(), [], 'nothing new: nothing fetched');
  });

  it('moves to another server: the password sealed, the new mailbox read from its start, what was filed not filed again', async () => {
    // The new mailbox's first UIDs are new mail; its last message is one already filed (the mailbox was migrated).
    await appendMessages(b, [
      await composeMail({ messageId: '<m3@supplier.example>', attachments: [{ filename: 'm3.pdf', content: tinyPdf('m3') }] }),
      await composeMail({ messageId: '<m4@supplier.example>', attachments: [{ filename: 'm4.pdf', content: tinyPdf('m4') }] }),
      await composeMail({ messageId: '<m1@supplier.example>', attachments: [{ filename: 'm1.pdf', content: tinyPdf('m1') }] }),
    ]);
    const res = await patch({ host: b.host, port: b.port, username: b.username, password: b.password, caCertificate: b.certificate });
    assert.equal(res.statusCode, 200, res.body);
    const now = await stored();
    assert.equal(now.cursor, null, 'the UID state starts again');
    assert.ok(!now.settings.includes(b.password) && !now.secrets!.includes(b.password), 'the password is sealed, not in the settings');
    const uids = await api.deps.db.selectFrom('mail_messages').select(['uid', 'uid_validity']).where('channel_id', '=', channelId).execute();
    assert.ok(uids.length === 2 && uids.every((u) => u.uid === null && u.uid_validity === null), 'the old mailbox\'s UIDs are forgotten');
    assert.equal((await detail()).server.port, b.port);

    const items = await run();
    const pdfs = items.filter((i) => i.path.endsWith('.pdf')).map((i) => [i.path.split('/').pop(), i.outcome]).sort();
    assert.deepEqual(pdfs, [['m1.pdf', 'already_collected'], ['m3.pdf', 'collected'], ['m4.pdf', 'collected']]);
    assert.equal((await detail()).files.collected, 4);
    assert.deepEqual(await run(), [], 'the next pass reads only what is new');
  });
});
