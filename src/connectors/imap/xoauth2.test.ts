import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { appendMessages, composeMail, tinyPdf } from '../../../test/helpers/mail.js';
import { TEST_CONTEXT } from '../../../test/helpers/limits.js';
import { startDovecot, DOVECOT_MISSING, type TestDovecot } from '../../../test/servers/dovecot.js';
import { ConnectorError, type TokenSource } from '../connector.js';
import { imapOAuthSettings, openOAuthMailbox } from './index.js';

/**
 * XOAUTH2 (the only OAuth mechanism the server offers, as Microsoft 365 does) against a real Dovecot whose oauth2 passdb asks a local token introspection
 * endpoint (RFC 7662), standing in for Microsoft's or Google's: a token is good while the
 * endpoint says it is active for the mailbox's user.
 */
const active = new Set<string>();
const introspected: string[] = [];
const introspection: Server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    const token = new URLSearchParams(body).get('token') ?? '';
    introspected.push(token);
    res.setHeader('content-type', 'application/json');
    res.setHeader('connection', 'close'); // a new connection per question: Dovecot's HTTP client then never meets one Node closed idle
    res.end(JSON.stringify(active.has(token) ? { active: true, username: 'collector@dossier.test' } : { active: false }));
  });
});
await new Promise<void>((r) => introspection.listen(0, '127.0.0.1', r));
const address = introspection.address();
const dovecot = await startDovecot({ oauth2IntrospectionUrl: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/introspect` });

/** A token source as the vault is one: a current token, and a new one when asked to refresh. */
function tokens(current: string, next: string | Error): TokenSource & { refreshes: number } {
  const src = {
    refreshes: 0,
    accessToken: async (opts?: { refresh?: boolean }) => {
      if (!opts?.refresh) return current;
      src.refreshes++;
      if (next instanceof Error) throw next;
      return next;
    },
  };
  return src;
}

describe('signing in to IMAP with XOAUTH2 (Dovecot, oauth2 passdb)', { skip: dovecot ? false : DOVECOT_MISSING }, () => {
  const d = dovecot as TestDovecot;
  const settings = () => imapOAuthSettings.parse({ host: d.host, port: d.port, username: d.username, caCertificate: d.certificate });
  before(async () => { await appendMessages(d, [await composeMail({ messageId: '<oauth-1@x>', attachments: [{ filename: 'a.pdf', content: tinyPdf('oauth') }] })]); });
  after(async () => { await d?.stop(); introspection.close(); });

  it('reads the mailbox with an active access token, without a password', async () => {
    active.add('token-good');
    const src = tokens('token-good', new Error('no refresh expected'));
    const box = await openOAuthMailbox(settings(), src, TEST_CONTEXT);
    try {
      const state = await box.open();
      assert.equal(state.exists, 1);
      assert.equal((await box.fetch(await box.uidsAfter(0))).length, 1);
    } finally {
      await box.close();
    }
    assert.equal(src.refreshes, 0);
    assert.ok(introspected.includes('token-good'), 'Dovecot asked the introspection endpoint about the token');
  });

  it('refreshes a token the server refuses, once, and signs in with the new one', async () => {
    active.add('token-new');
    const src = tokens('token-stale', 'token-new');
    const box = await openOAuthMailbox(settings(), src, TEST_CONTEXT);
    await box.close();
    assert.equal(src.refreshes, 1);
  });

  it('says the connection needs reconnecting when the refreshed token is refused too, or the grant is gone', async () => {
    const refused = tokens('token-stale', 'token-also-bad');
    await assert.rejects(openOAuthMailbox(settings(), refused, TEST_CONTEXT), (e: unknown) => e instanceof ConnectorError && e.kind === 'auth_expired');
    assert.equal(refused.refreshes, 1);
    const gone = tokens('token-stale', new ConnectorError('auth_expired', 'The grant was revoked: reconnect.'));
    await assert.rejects(openOAuthMailbox(settings(), gone, TEST_CONTEXT), /grant was revoked/);
  });
});
