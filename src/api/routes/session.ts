import { inOneTransaction } from '../../catalog/unit-of-work.js';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { DomainError } from '../../domain/errors.js';
import { getUser } from '../../catalog/users.js';
import {
  changePassword, checkCredentials, csrfTokenFor, CSRF_HEADER, endSession, MAX_AGE_MS, SESSION_COOKIE, startSession,
} from '../../auth/sessions.js';
import { SIGN_IN_LIMITS, SignInLimiter } from '../../auth/sign-in-limiter.js';
import { MIN_PASSWORD_LENGTH } from '../../auth/passwords.js';
import { HttpError } from '../errors.js';
import { principalOf, sessionOf } from '../auth.js';
import { setCookie } from '../cookies.js';
import { commonErrors, ErrorBody } from '../schemas.js';
import type { RouteContext, ZodApp } from '../server.js';
import { recordAudit } from '../../audit/log.js';

const tags = ['session'];

const SessionView = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string(), role: z.string() }),
  organization: z.object({ id: z.string(), name: z.string() }),
  via: z.enum(['session', 'api_key']),
  csrfToken: z.string().nullable().describe(`Send it as the ${CSRF_HEADER} header with every change made with the session cookie; null for an API key.`),
}).meta({ id: 'Session' });

const SignIn = z.strictObject({ email: z.string().trim().min(1).max(320), password: z.string().min(1).max(1000) });

/** The session cookie: sent to every path, as long as the session may last at most. */
const sessionCookie = (ctx: RouteContext, reply: FastifyReply, value: string, maxAgeSeconds: number) =>
  setCookie(reply, ctx.deps.config?.baseUrl, SESSION_COOKIE, value, { path: '/', maxAgeSeconds });

async function view(ctx: RouteContext, p: { orgId: string; userId: string }, via: 'session' | 'api_key', csrfToken: string | null) {
  // A user removed since the session began: the same answer as an ended session.
  const user = await getUser(ctx.deps.db, p.orgId, p.userId).catch(() => null);
  const org = await ctx.deps.db.selectFrom('organizations').select(['id', 'name']).where('id', '=', p.orgId).executeTakeFirst();
  if (!user || !org) throw new DomainError('unauthorized', 'This account no longer exists: sign in again.', { reason: 'account_gone' });
  return { user: { id: user.id, email: user.email, name: user.name, role: user.role }, organization: org, via, csrfToken };
}

/** Signing in: the one /v1 route that needs neither a key nor a session. */
export function signInRoute(app: ZodApp, ctx: RouteContext): void {
  const limiter = new SignInLimiter(ctx.deps.db);
  // Behind a proxy that Dossier does not believe, every client is the proxy: said once, as it matters for the limits.
  let untrustedProxyNoted = !!ctx.deps.config?.trustProxy;
  const { perAccountAndClient, perClient, windowMs } = SIGN_IN_LIMITS;
  app.post('/session', {
    schema: {
      summary: 'Sign in with e-mail and password',
      description: `Sets an HttpOnly session cookie. After ${perAccountAndClient} attempts for one address from one client, or ${perClient} failed attempts from one client for any addresses, within ${windowMs / 60_000} minutes, further attempts from that client are refused with 429 and a Retry-After header until then.`,
      tags, security: [], body: SignIn, response: { 200: SessionView, 400: ErrorBody, 401: ErrorBody, 429: ErrorBody },
    },
  }, async (request, reply) => {
    const email = request.body.email.toLowerCase();
    if (!untrustedProxyNoted && request.headers['x-forwarded-for']) {
      untrustedProxyNoted = true;
      ctx.deps.log.warn({ client: request.ip }, `sign-ins arrive with X-Forwarded-For from ${request.ip}, which DOSSIER_TRUST_PROXY does not name: every client behind that proxy counts as ${request.ip} for the sign-in limits. Set DOSSIER_TRUST_PROXY to the proxy's address (docs/security.md).`);
    }
    const gate = await limiter.attempt(email, request.ip);
    if (gate.retryAfterMs > 0) {
      reply.header('retry-after', String(Math.ceil(gate.retryAfterMs / 1000)));
      throw new HttpError(429, 'too_many_attempts', `Too many sign-in attempts from your address. Try again in ${Math.ceil(gate.retryAfterMs / 60_000)} minute(s); if you forgot your password, an admin can set a new one.`, { reason: 'too_many_sign_ins', params: { minutes: Math.ceil(gate.retryAfterMs / 60_000) } });
    }
    const user = await checkCredentials(ctx.deps.db, email, request.body.password);
    if (!user) throw new DomainError('unauthorized', 'The e-mail address or the password is not right.', { reason: 'wrong_password' });
    await gate.succeeded();
    // The session and its entry commit together: no session without its sign-in in the log.
    const s = await inOneTransaction(async () => {
      const started = await startSession(ctx.deps.db, user);
      await recordAudit(ctx.deps.db, user.orgId, { type: 'user.signed_in', actor: { kind: 'user', id: user.id }, objectType: 'user', objectId: user.id, details: { client: request.ip } });
      return started;
    });
    sessionCookie(ctx, reply, s.sessionId, MAX_AGE_MS / 1000).header('cache-control', 'no-store');
    return view(ctx, { orgId: user.orgId, userId: user.id }, 'session', s.csrfToken);
  });
}

export function sessionRoutes(app: ZodApp, ctx: RouteContext): void {
  app.get('/session', {
    schema: { summary: 'Who is signed in, and the CSRF token for changes', tags, response: { 200: SessionView, 401: ErrorBody } },
  }, async (request, reply) => {
    const s = sessionOf(request);
    reply.header('cache-control', 'no-store');
    return view(ctx, principalOf(request), s ? 'session' : 'api_key', s ? csrfTokenFor(s.sessionId) : null);
  });

  app.delete('/session', {
    schema: { summary: 'Sign out', tags, response: { 204: z.null().describe('Signed out'), ...commonErrors } },
  }, async (request, reply) => {
    const s = sessionOf(request);
    if (s) await endSession(ctx.deps.db, s.sessionId);
    return sessionCookie(ctx, reply, '', 0).code(204).send(null);
  });

  app.post('/session/password', {
    schema: {
      summary: 'Change your own password',
      description: 'Your other sessions end; this one stays signed in.',
      tags, body: z.strictObject({ current: z.string().min(1).max(1000), password: z.string().min(MIN_PASSWORD_LENGTH).max(1000) }),
      response: { 204: z.null().describe('Changed'), ...commonErrors, 403: ErrorBody },
    },
  }, async (request, reply) => {
    const p = principalOf(request);
    await changePassword(ctx.deps.db, { ...p, sessionHash: sessionOf(request)?.sessionHash }, request.body.current, request.body.password);
    return reply.code(204).send(null);
  });
}
