import { z } from 'zod';
import { RIGHTS, ROLES } from '../../domain/rights.js';
import { getUser, insertUser, listUsers, updateUser } from '../../catalog/users.js';
import { assertMayAssign, assertMayChange } from '../../auth/grants.js';
import { assertNotLastAdmin, deactivateUser, reactivateUser } from '../../auth/deactivation.js';
import { orgOf, principalOf } from '../auth.js';
import { commonErrors, ErrorBody, IdParams } from '../schemas.js';
import { IssuedApiKey, issueKeyFor, KeyName } from './api-keys.js';
import type { RouteContext, ZodApp } from '../server.js';

const tags = ['users'];
const forbidden = { 403: ErrorBody } as const;

export const User = z.object({
  id: z.string(), email: z.string(), name: z.string(), role: z.enum(ROLES),
  rights: z.array(z.enum(RIGHTS)).describe('What the user may do; an admin holds every right.'),
  createdAt: z.string(),
  hasPassword: z.boolean().describe('false while an invited user has not chosen a password yet.'),
  active: z.boolean().describe('false once deactivated: the user cannot sign in and its keys are revoked.'),
}).meta({ id: 'User' });

const NewUser = z.strictObject({
  email: z.string().trim().email('Give an e-mail address, such as anna@example.com.'),
  name: z.string().trim().min(1).max(200),
  role: z.enum(ROLES).default('member'),
  rights: z.array(z.enum(RIGHTS)).default([]),
});

const UserPatch = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  role: z.enum(ROLES).optional(),
  rights: z.array(z.enum(RIGHTS)).optional().describe('The whole new list: rights left out are taken away.'),
});

/**
 * The users of the organization and their rights. Who may give what is decided in
 * auth/grants.ts: an admin anything; a member who manages users only rights it holds, never
 * admin, and never to or about an administrator.
 */
export function userRoutes(app: ZodApp, { deps }: RouteContext): void {
  app.get('/users', {
    schema: { summary: 'List the users', description: 'Deactivated users stay listed (active false): their history names them.', tags, response: { 200: z.object({ items: z.array(User) }), 401: ErrorBody, ...forbidden } },
  }, async (request) => ({ items: await listUsers(deps.db, orgOf(request)) }));

  app.get('/users/me', {
    schema: { summary: 'The user this API key belongs to, with its rights', tags, response: { 200: User, 401: ErrorBody } },
  }, async (request) => getUser(deps.db, orgOf(request), principalOf(request).userId));

  app.post('/users', {
    schema: { summary: 'Add a user', description: 'A member who is not an administrator may give only rights it holds itself, and not the admin role.', tags, body: NewUser, response: { 201: User, ...commonErrors, ...forbidden, 409: ErrorBody } },
  }, async (request, reply) => {
    const rights = [...new Set(request.body.rights)];
    assertMayAssign(principalOf(request), { role: request.body.role, rights }, null);
    return reply.code(201).send(await insertUser(deps.db, orgOf(request), { ...request.body, rights }));
  });

  app.patch('/users/:id', {
    schema: {
      summary: 'Change a user\'s name, role or rights',
      description: 'A member who is not an administrator may not change an administrator, make anyone admin, or give or take away a right it does not hold.',
      tags, params: IdParams, body: UserPatch, response: { 200: User, ...commonErrors, ...forbidden, 409: ErrorBody },
    },
  }, async (request) => {
    const orgId = orgOf(request);
    const before = await getUser(deps.db, orgId, request.params.id);
    const rights = request.body.rights && [...new Set(request.body.rights)];
    assertMayAssign(principalOf(request), { role: request.body.role, rights }, before);
    await assertNotLastAdmin(deps.db, orgId, before, request.body);
    return updateUser(deps.db, orgId, request.params.id, { ...request.body, ...(rights && { rights }) });
  });

  app.post('/users/:id/deactivate', {
    schema: {
      summary: 'Deactivate a user',
      description: 'At once: the user\'s sessions end, its API keys are revoked, and it can no longer sign in. It stays listed, with its history. Only an administrator deactivates an administrator, and never the last active one.',
      tags, params: IdParams, response: { 200: User, ...commonErrors, ...forbidden, 409: ErrorBody },
    },
  }, async (request) => {
    const orgId = orgOf(request);
    assertMayChange(principalOf(request), await getUser(deps.db, orgId, request.params.id));
    return deactivateUser(deps.db, orgId, request.params.id);
  });

  app.post('/users/:id/activate', {
    schema: {
      summary: 'Reactivate a deactivated user (administrators only)',
      description: 'The user can sign in again; its old API keys stay revoked.',
      tags, params: IdParams, response: { 200: User, ...commonErrors, ...forbidden },
    },
  }, async (request) => reactivateUser(deps.db, orgOf(request), request.params.id));

  app.post('/users/:id/api-keys', {
    schema: {
      summary: 'Issue an API key for a user', description: 'The key is shown only in this answer; Dossier keeps only its hash. It acts with the user\'s rights. For yourself; an administrator may issue one for anyone. The same as POST /v1/api-keys.',
      tags, params: IdParams, body: z.strictObject({ name: KeyName }),
      response: { 201: IssuedApiKey, ...commonErrors, ...forbidden },
    },
  }, async (request, reply) => reply.code(201).send(await issueKeyFor(deps.db, principalOf(request), request.params.id, request.body.name)));
}
