import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Every cookie Dossier sets, with the same flags: HttpOnly (no script reads it), SameSite=Lax
 * (another site's page cannot send it along with a change), a Path as narrow as its use, and
 * Secure whenever the browser reached Dossier over https: a public address in https, or a
 * trusted proxy (DOSSIER_TRUST_PROXY) saying X-Forwarded-Proto: https. Not over plain http,
 * where a browser would drop a Secure cookie and nobody could sign in.
 */
export interface CookieScope { path: string; maxAgeSeconds: number }

export function overHttps(request: FastifyRequest, baseUrl: string | undefined): boolean {
  return request.protocol === 'https' || new URL(baseUrl ?? 'http://localhost').protocol === 'https:';
}

export function setCookie(reply: FastifyReply, baseUrl: string | undefined, name: string, value: string, scope: CookieScope): FastifyReply {
  return reply.setCookie(name, value, {
    path: scope.path, maxAge: scope.maxAgeSeconds, httpOnly: true, sameSite: 'lax', secure: overHttps(reply.request, baseUrl),
  });
}

export function clearCookie(reply: FastifyReply, baseUrl: string | undefined, name: string, path: string): FastifyReply {
  return setCookie(reply, baseUrl, name, '', { path, maxAgeSeconds: 0 });
}

/** A cookie of the request (parsed by @fastify/cookie), or null. */
export function readCookie(request: FastifyRequest, name: string): string | null {
  return request.cookies?.[name] ?? null;
}
