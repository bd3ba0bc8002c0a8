import { z } from 'zod';
import { DomainError, notFound } from '../../domain/errors.js';
import type { Db } from '../../catalog/db.js';
import { getUser, listUsers } from '../../catalog/users.js';
import { listApiKeys, revokeApiKey } from '../../catalog/organizations.js';
import { createApiKey, type Principal } from '../../auth/api-keys.js';
import { assertMayIssueKeyFor } from '../../auth/grants.js';
import { orgOf, principalOf } from '../auth.js';
import { commonErrors, ErrorBody, Id, IdParams } from '../schemas.js';
import type { RouteContext, ZodApp } from '../server.js';

const tags = ['users'];

export const KeyName = z.string().trim().min(1).max(200).describe('What the key is for, such as "invoicing app".');

export const IssuedApiKey = z.object({
  id: z.string().describe('Lists and revokes the key (key_...).'),
  apiKey: z.string().describe('The key itself (dsk_...): shown only in this answer.'),
}).meta({ id: 'IssuedApiKey' });

const ApiKey = z.object({
  id: z.string(), name: z.string(),
  prefix: z.string().describe('The part after dsk_ that tells keys apart; the rest is secret and never shown again.'),
  userId: z.string().describe('The user the key acts as, with that user\'s rights.'), userName: z.string(), userEmail: z.string(),
  createdAt: z.string(), lastUsedAt: z.string().nullable().describe('Recorded at most once a minute.'),
}).meta({ id: 'ApiKey' });

/** A key for `userId`: for oneself, or by an administrator for anyone of the organization. */
export async function issueKeyFor(db: Db, by: Principal, userId: string, name: string): Promise<{ id: string; apiKey: string }> {
  const user = await getUser(db, by.orgId, userId);
  assertMayIssueKeyFor(by, user.id);
  if (!user.active) throw new DomainError('conflict', `${user.name} is deactivated: reactivate the user first.`, { reason: 'user_deactivated', params: { name: user.name } });
  return createApiKey(db, by.orgId, user.id, name);
}

/**
 * API keys: everyone makes, lists and revokes their own; an administrator sees and revokes
 * every key of the organization, and may make one for anyone. Revoking works at once.
 */
export function apiKeyRoutes(app: ZodApp, { deps }: RouteContext): void {
  app.get('/api-keys', {
    schema: {
      summary: 'List the API keys that still work', description: 'Your own; an administrator sees every key of the organization. Never the secret.',
      tags, response: { 200: z.object({ items: z.array(ApiKey) }), 401: ErrorBody },
    },
  }, async (request) => {
    const p = principalOf(request);
    const users = new Map((await listUsers(deps.db, p.orgId)).map((u) => [u.id, u]));
    const keys = await listApiKeys(deps.db, p.orgId, p.admin ? undefined : p.userId);
    return {
      items: keys.map((k) => ({
        id: k.id, name: k.name, prefix: k.prefix, userId: k.userId, userName: users.get(k.userId)?.name ?? '', userEmail: users.get(k.userId)?.email ?? '',
        createdAt: k.createdAt, lastUsedAt: k.lastUsedAt,
      })),
    };
  });

  app.post('/api-keys', {
    schema: {
      summary: 'Make an API key', description: 'For yourself; an administrator may give userId to make one for another user. The key is shown only in this answer and acts with its user\'s rights.',
      tags, body: z.strictObject({ name: KeyName, userId: Id.optional() }), response: { 201: IssuedApiKey, ...commonErrors, 403: ErrorBody },
    },
  }, async (request, reply) => {
    const p = principalOf(request);
    return reply.code(201).send(await issueKeyFor(deps.db, p, request.body.userId ?? p.userId, request.body.name));
  });

  app.delete('/api-keys/:id', {
    schema: {
      summary: 'Revoke an API key', description: 'At once: the next request made with it is refused (401). Your own keys; an administrator revokes anyone\'s.',
      tags, params: IdParams, response: { 204: z.null().describe('Revoked'), ...commonErrors },
    },
  }, async (request, reply) => {
    const p = principalOf(request);
    const own = p.admin ? null : await listApiKeys(deps.db, p.orgId, p.userId);
    // A member is told nothing about others' keys: not theirs reads as not there.
    if ((own && !own.some((k) => k.id === request.params.id)) || !(await revokeApiKey(deps.db, orgOf(request), request.params.id))) {
      throw notFound('API key', request.params.id);
    }
    return reply.code(204).send(null);
  });
}
