import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startApi, type Api } from '../harness.test.js';
import { mailsTo } from '../../../test/helpers/outbox.js';

/** Inviting a user: the mail in the development outbox, the one-time link, the password, signing in, the rights. */
describe('user invitations', () => {
  let api: Api;
  before(async () => { api = await startApi(); });
  after(() => api?.close());

  /** The newest mail to this address in the outbox, and the join link in it. */
  async function mailTo(email: string): Promise<{ text: string; token: string }> {
    const text = (await mailsTo(api.deps.config.dataDir, email)).at(-1);
    assert.ok(text, `a mail to ${email} is in the outbox`);
    const token = /\/join\/(dui_[A-Za-z0-9_-]+)/.exec(text)?.[1];
    assert.ok(token, text);
    return { text, token };
  }

  it('mails a one-time link; the invited user chooses a password, signs in, and holds exactly the rights given', async () => {
    const res = await api.call({ method: 'POST', url: '/v1/users/invitations', payload: { email: 'Anna@Example.com', name: 'Anna', rights: ['configure_collection'], language: 'nl' } });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().user.email, 'anna@example.com');
    assert.equal(res.json().user.hasPassword, false);
    const { text, token } = await mailTo('anna@example.com');
    assert.match(text, /Beste Anna/);
    // Only the hash of the token is stored.
    const rows = await api.deps.db.selectFrom('user_invitations').select('token_hash').execute();
    assert.ok(rows.some((r) => r.token_hash === createHash('sha256').update(token).digest('hex')));
    assert.ok(!rows.some((r) => r.token_hash.includes(token)));

    const view = await api.call({ method: 'GET', url: `/v1/user-invitations/${token}`, key: null });
    assert.equal(view.statusCode, 200, view.body);
    assert.equal(view.json().email, 'anna@example.com');
    const short = await api.call({ method: 'POST', url: `/v1/user-invitations/${token}`, payload: { password: 'short' }, key: null });
    assert.equal(short.statusCode, 400);
    const accepted = await api.call({ method: 'POST', url: `/v1/user-invitations/${token}`, payload: { password: 'a long enough password' }, key: null });
    assert.equal(accepted.statusCode, 200, accepted.body);
    const again = await api.call({ method: 'POST', url: `/v1/user-invitations/${token}`, payload: { password: 'another long password' }, key: null });
    assert.equal(again.statusCode, 409);
    assert.match(again.json().error.message, /already used/);

    const signedIn = await api.call({ method: 'POST', url: '/v1/session', payload: { email: 'anna@example.com', password: 'a long enough password' }, key: null });
    assert.equal(signedIn.statusCode, 200, signedIn.body);
    const cookie = /dossier_session=[^;]*/.exec(String(signedIn.headers['set-cookie']))![0];
    const inbox = await api.call({ method: 'GET', url: '/v1/inbox', headers: { cookie }, key: null });
    assert.equal(inbox.statusCode, 403);
    assert.match(inbox.json().error.message, /review_inbox/);
    const me = await api.call({ method: 'GET', url: '/v1/users/me', headers: { cookie }, key: null });
    assert.deepEqual(me.json().rights, ['configure_collection']);
    assert.equal(me.json().hasPassword, true);
    // Joined: nothing to invite to any more.
    const resend = await api.call({ method: 'POST', url: `/v1/users/${me.json().id}/invitation`, payload: {} });
    assert.equal(resend.statusCode, 409);
  });

  it('a new link replaces the old one; an expired or made-up link is refused; only who manages users may invite', async () => {
    const res = await api.call({ method: 'POST', url: '/v1/users/invitations', payload: { email: 'ben@example.com', name: 'Ben' } });
    assert.equal(res.statusCode, 201, res.body);
    const first = (await mailTo('ben@example.com')).token;
    const resent = await api.call({ method: 'POST', url: `/v1/users/${res.json().user.id}/invitation`, payload: { language: 'fr' } });
    assert.equal(resent.statusCode, 201, resent.body);
    const second = await mailTo('ben@example.com');
    assert.notEqual(second.token, first);
    assert.match(second.text, /Bonjour Ben/);
    const old = await api.call({ method: 'GET', url: `/v1/user-invitations/${first}`, key: null });
    assert.equal(old.statusCode, 409);
    assert.match(old.json().error.message, /replaced/);

    await api.deps.db.updateTable('user_invitations').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('user_id', '=', res.json().user.id).execute();
    const expired = await api.call({ method: 'POST', url: `/v1/user-invitations/${second.token}`, payload: { password: 'a long enough password' }, key: null });
    assert.equal(expired.statusCode, 409);
    assert.match(expired.json().error.message, /expired/);
    const madeUp = await api.call({ method: 'GET', url: `/v1/user-invitations/dui_${'x'.repeat(43)}`, key: null });
    assert.equal(madeUp.statusCode, 404);

    const made = await api.call({ method: 'POST', url: '/v1/users', payload: { email: 'clerk@example.com', name: 'Clerk', rights: ['review_inbox'] } });
    const key = (await api.call({ method: 'POST', url: `/v1/users/${made.json().id}/api-keys`, payload: { name: 't' } })).json().apiKey;
    const refused = await api.call({ method: 'POST', url: '/v1/users/invitations', payload: { email: 'x@example.com', name: 'X' }, key });
    assert.equal(refused.statusCode, 403);
  });
});
