import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startMailSignIn, type MailSignIn } from '../helpers/mail-oauth.js';
import { answerConsent } from '../helpers/consent.js';
import { appendMessages, composeMail, tinyPdf } from '../helpers/mail.js';
import { followCallback, startServed, type Served } from '../helpers/served.js';
import { DOVECOT_MISSING } from '../servers/dovecot.js';

/**
 * A mailbox signed in to with Microsoft 365 or Gmail, end to end: the channel is made with
 * signIn, the user allows access on the OAuth emulator's consent page, the callback stores the
 * tokens, and Dossier logs in to a real Dovecot with AUTHENTICATE XOAUTH2, which checks the
 * token itself by introspection (test/helpers/mail-oauth.ts).
 */
const mail = await startMailSignIn();

describe('an e-mail channel signed in to with OAuth (emulator + Dovecot XOAUTH2)', { skip: mail ? false : DOVECOT_MISSING }, () => {
  const { dovecot: d, emu, issuer, asked } = (mail ?? {}) as MailSignIn;
  let s: Served;

  before(async () => {
    s = await startServed({}, { providers: (baseUrl) => mail!.providers(baseUrl) });
    await appendMessages(d, [await composeMail({ messageId: '<oauth-e2e-1@supplier.example>', attachments: [{ filename: 'f1.pdf', content: tinyPdf('oauth e2e 1') }] })]);
  });
  after(async () => { await s?.close(); await mail?.stop(); });

  it('lists the mail providers with their scopes, apart from the drives', async () => {
    const got = await s.call('GET', '/v1/providers');
    const mail = got.body.items.filter((p: { kind: string }) => p.kind === 'email');
    assert.deepEqual(mail.map((p: { id: string; scopes: string[] }) => [p.id, p.scopes]), [
      ['microsoft-mail', ['https://outlook.office.com/IMAP.AccessAsUser.All', 'offline_access']],
      ['gmail', ['https://mail.google.com/']],
    ]);
  });

  it('Microsoft 365: waits for the sign-in, then collects over XOAUTH2, refreshes a refused token, and asks to sign in again when the grant is gone', async () => {
    const users = await s.call('GET', '/v1/channel-recipients');
    const created = await s.call('POST', '/v1/channels', {
      companyId: s.companyId, name: 'Purchases mailbox', kind: 'email', recipientId: users.body.items[0].id, binderName: 'Purchases', signIn: 'microsoft-mail',
      settings: { username: d.username }, mail: { others: 'accept' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.state, 'waiting_for_client');
    const id = created.body.id;
    const waiting = await s.call('GET', `/v1/channels/${id}`);
    assert.deepEqual(waiting.body.server, { host: d.host, port: d.port, tls: true, username: d.username, mailbox: 'INBOX', signIn: 'microsoft-mail', signedIn: false, privateCa: true });
    // The mailbox's connection serves the channel only: it is no destination account.
    assert.deepEqual((await s.call('GET', '/v1/connections')).body.items, []);

    const started = await s.call('POST', `/v1/channels/${id}/sign-in`, {});
    assert.equal(started.status, 200, JSON.stringify(started.body));
    const url = new URL(started.body.url);
    assert.equal(url.searchParams.get('scope'), 'https://outlook.office.com/IMAP.AccessAsUser.All offline_access');
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(url.searchParams.get('state'));
    // The consent is given as "collector", whose address is the mailbox's user.
    const back = await followCallback(await answerConsent(started.body.url, 'allow', 'collector'));
    assert.equal(back.status, 200, back.html);
    const active = await s.call('GET', `/v1/channels/${id}`);
    assert.equal(active.body.state, 'active', active.body.stateReason);
    assert.equal(active.body.server.signedIn, true);
    assert.ok(asked.length > 0, 'Dovecot asked about the bearer token');

    const run = await s.call('POST', `/v1/channels/${id}/run`, { confirm: true });
    assert.equal(run.status, 202, JSON.stringify(run.body));
    await s.deps.queue.idle();
    assert.equal((await s.call('GET', `/v1/channels/${id}`)).body.files.collected, 1);

    // The access token stops working at the mail server (expired early): Dossier refreshes once and reads on.
    issuer.expireTokens('collector');
    const refreshes = emu.stats.refreshes.microsoft;
    await appendMessages(d, [await composeMail({ messageId: '<oauth-e2e-2@supplier.example>', attachments: [{ filename: 'f2.pdf', content: tinyPdf('oauth e2e 2') }] })]);
    await s.call('POST', `/v1/channels/${id}/run`, { confirm: true });
    await s.deps.queue.idle();
    assert.equal(emu.stats.refreshes.microsoft, refreshes + 1);
    assert.equal((await s.call('GET', `/v1/channels/${id}`)).body.files.collected, 2);

    // The user withdraws consent: the channel says so, and signing in again brings it back.
    emu.revokeGrant('microsoft', 'collector');
    await s.call('POST', `/v1/channels/${id}/run`, { confirm: true });
    await s.deps.queue.idle();
    const stopped = await s.call('GET', `/v1/channels/${id}`);
    assert.equal(stopped.body.server.signedIn, false);
    assert.equal(stopped.body.state, 'needs_attention');
    assert.match(stopped.body.stateReason, /sign in again on the channel's page/);
    const again = await s.call('POST', `/v1/channels/${id}/sign-in`, {});
    assert.equal((await followCallback(await answerConsent(again.body.url, 'allow', 'collector'))).status, 200);
    const resumed = await s.call('GET', `/v1/channels/${id}`);
    assert.equal(resumed.body.state, 'active', resumed.body.stateReason);
    assert.equal(resumed.body.server.signedIn, true);
  });

  it('Gmail: the sign-in as another account than the mailbox\'s is refused by the mail server, and the channel says why', async () => {
    const users = await s.call('GET', '/v1/channel-recipients');
    const created = await s.call('POST', '/v1/channels', {
      companyId: s.companyId, name: 'Gmail mailbox', kind: 'email', recipientId: users.body.items[0].id, binderName: 'Purchases', signIn: 'gmail',
      settings: { username: d.username }, mail: { others: 'accept' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const started = await s.call('POST', `/v1/channels/${created.body.id}/sign-in`, {});
    const url = new URL(started.body.url);
    assert.equal(url.searchParams.get('scope'), 'https://mail.google.com/');
    assert.equal(url.searchParams.get('access_type'), 'offline');
    const back = await followCallback(await answerConsent(started.body.url, 'allow', 'someone-else'));
    assert.notEqual(back.status, 200);
    assert.match(back.html, /could not open the mailbox/);
    const got = await s.call('GET', `/v1/channels/${created.body.id}`);
    assert.equal(got.body.state, 'needs_attention');
    assert.match(got.body.stateReason, /refused/);

    const right = await s.call('POST', `/v1/channels/${created.body.id}/sign-in`, {});
    assert.equal((await followCallback(await answerConsent(right.body.url, 'allow', 'collector'))).status, 200);
    assert.equal((await s.call('GET', `/v1/channels/${created.body.id}`)).body.state, 'active');

    // Its token goes to the provider's server only; the folder may change, tried with the token.
    const elsewhere = await s.call('PATCH', `/v1/channels/${created.body.id}`, { settings: { host: 'localhost' } });
    assert.equal(elsewhere.status, 400);
    assert.match(elsewhere.body.error.message, /provider's server/);
    await appendMessages(d, [await composeMail({ messageId: '<oauth-folder@supplier.example>', attachments: [{ filename: 'f.pdf', content: tinyPdf('folder') }] })], 'Invoices');
    const folder = await s.call('PATCH', `/v1/channels/${created.body.id}`, { settings: { mailbox: 'Invoices' } });
    assert.equal(folder.status, 200, JSON.stringify(folder.body));
    assert.equal((await s.call('GET', `/v1/channels/${created.body.id}`)).body.server.mailbox, 'Invoices');

    // Removing the channel gives the grant back to Google, not only forgets the tokens.
    assert.ok(emu.grants('google', 'collector').some((g) => !g.revoked));
    assert.equal((await s.call('DELETE', `/v1/channels/${created.body.id}`)).status, 204);
    for (let i = 0; i < 200 && emu.grants('google', 'collector').some((g) => !g.revoked); i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(emu.grants('google', 'collector').map((g) => g.revoked), emu.grants('google', 'collector').map(() => true));
  });

  it('refuses an unknown mail provider, and a sign-in for a channel with a password', async () => {
    const users = await s.call('GET', '/v1/channel-recipients');
    const bad = await s.call('POST', '/v1/channels', {
      companyId: s.companyId, name: 'Nope', kind: 'email', recipientId: users.body.items[0].id, binderName: 'Purchases', signIn: 'yahoo', settings: { username: d.username },
    });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /not a mail sign-in/);
    // The provider's token goes to the provider's server only: another one cannot be named.
    const elsewhere = await s.call('POST', '/v1/channels', {
      companyId: s.companyId, name: 'Elsewhere', kind: 'email', recipientId: users.body.items[0].id, binderName: 'Purchases', signIn: 'gmail',
      settings: { username: d.username, host: 'imap.attacker.example' },
    });
    assert.equal(elsewhere.status, 400);
    assert.match(elsewhere.body.error.message, /provider's server/);
    const pw = await s.call('POST', '/v1/channels', {
      companyId: s.companyId, name: 'Password mailbox', kind: 'email', recipientId: users.body.items[0].id, binderName: 'Purchases',
      settings: { host: d.host, port: d.port, username: d.username, password: d.password, caCertificate: d.certificate },
    });
    assert.equal(pw.status, 201, JSON.stringify(pw.body));
    assert.equal((await s.call('POST', `/v1/channels/${pw.body.id}/sign-in`, {})).status, 400);
  });
});
