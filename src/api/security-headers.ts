import type { FastifyInstance } from 'fastify';
import fastifyHelmet from '@fastify/helmet';
import fastifyCookie from '@fastify/cookie';

/**
 * The headers every response carries (docs/security.md, "Sign-in, sessions and headers"), set
 * once by @fastify/helmet for the API, the web app and its files, errors and 404s alike.
 *
 * The policy is the web app's: scripts only from this origin (the Vite build loads its module
 * scripts from /assets and has no inline script), inline styles only because the component
 * library sets CSS variables in a <style> element, images also from data: and blob: URLs (a
 * document's preview), no framing by anyone.
 */
const APP_DIRECTIVES: Record<string, string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'connect-src': ["'self'"],
  'frame-src': ["'self'", 'blob:'],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'frame-ancestors': ["'none'"],
  'form-action': ["'self'"],
};

const serialize = (d: Record<string, string[]>) => Object.entries(d).map(([k, v]) => `${k} ${v.join(' ')}`).join('; ');

/**
 * The server-rendered invitation pages post their forms to Dossier, which answers with a
 * redirect to the provider's sign-in page; browsers hold that redirect to form-action too, so
 * these pages leave it out (their forms are Dossier's own, every value in them escaped).
 */
const { 'form-action': _formAction, ...INVITATION_DIRECTIVES } = APP_DIRECTIVES;
export const INVITATION_PAGE_CSP = serialize(INVITATION_DIRECTIVES);

/**
 * /docs (swagger-ui): its scripts are files under /docs/static, it styles elements inline and
 * shows data: images; it may not be framed either.
 */
export const DOCS_CSP = serialize({
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'frame-ancestors': ["'none'"],
  'form-action': ["'self'"],
});

export async function registerSecurityHeaders(app: FastifyInstance, opts: { https: boolean }): Promise<void> {
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: { useDefaults: false, directives: APP_DIRECTIVES },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    // Over plain http a browser ignores it; over https it keeps the next visit on https.
    strictTransportSecurity: opts.https ? { maxAge: 180 * 24 * 3600, includeSubDomains: false } : false,
  });
  // Parses Cookie headers (request.cookies) and writes Set-Cookie (reply.setCookie): see cookies.ts.
  await app.register(fastifyCookie);
}
