import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mailProvidersAt, type OAuthProvider } from '../../src/auth/oauth/providers.js';
import { startOAuthEmulator, type OAuthEmulator, type TokenIssuer } from '../../src/sandbox/oauth/server.js';
import { startDovecot, type TestDovecot } from '../servers/dovecot.js';

/**
 * Mailboxes signed in to with OAuth, for tests: the OAuth emulator as Microsoft's and Google's
 * authorization server, and a real Dovecot that takes AUTHENTICATE XOAUTH2. Dovecot itself
 * decides: its oauth2 passdb asks a token introspection endpoint (RFC 7662) whether the bearer
 * token is active, and for whom; the endpoint answers from the access tokens the emulator issued
 * and has not expired or revoked, as Microsoft's and Google's servers know their own tokens.
 * A consent given as "collector" is the mailbox user collector@dossier.test.
 */
export interface MailSignIn {
  emu: OAuthEmulator & { url: string };
  dovecot: TestDovecot;
  issuer: TokenIssuer & { expireTokens(user?: string): void };
  /** Every token Dovecot asked about. */
  asked: string[];
  /** The mail providers pointed at the emulator and this Dovecot, with the app registered at the emulator. */
  providers(baseUrl: string): OAuthProvider[];
  stop(): Promise<void>;
}

const MAIL_DOMAIN = 'dossier.test';

export async function startMailSignIn(): Promise<MailSignIn | null> {
  const tokens = new Map<string, { user: string; dead: boolean }>();
  const issuer: MailSignIn['issuer'] = {
    tokenFor: (user) => { const t = `imap_${randomBytes(12).toString('hex')}`; tokens.set(t, { user, dead: false }); return t; },
    expireTokens: (user) => { for (const t of tokens.values()) if (!user || t.user === user) t.dead = true; },
  };
  const asked: string[] = [];
  const introspection = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const token = new URLSearchParams(body).get('token') ?? '';
      asked.push(token);
      const got = tokens.get(token);
      res.setHeader('content-type', 'application/json');
      res.setHeader('connection', 'close'); // a new connection per question: Dovecot's HTTP client never meets one Node closed idle
      res.end(JSON.stringify(got && !got.dead ? { active: true, username: `${got.user}@${MAIL_DOMAIN}` } : { active: false }));
    });
  });
  await new Promise<void>((r) => introspection.listen(0, '127.0.0.1', r));
  const dovecot = await startDovecot({ oauth2IntrospectionUrl: `http://127.0.0.1:${(introspection.address() as AddressInfo).port}/introspect` });
  if (!dovecot) { introspection.close(); return null; }
  const emu = await startOAuthEmulator({ issuers: { microsoft: issuer, google: issuer } });
  return {
    emu, dovecot, issuer, asked,
    providers: (baseUrl) => {
      const app = { clientId: 'mail-app', clientSecret: 'mail-secret', redirectUrl: `${baseUrl}/v1/oauth/callback` };
      for (const provider of ['microsoft', 'google'] as const) emu.registerClient({ provider, ...app, redirectUris: [app.redirectUrl] });
      return mailProvidersAt({ authOrigin: emu.url, app, imap: { host: dovecot.host, port: dovecot.port, tls: true, caCertificate: dovecot.certificate }, allowHttp: true });
    },
    stop: async () => { await emu.stop(); await dovecot.stop(); introspection.close(); },
  };
}
