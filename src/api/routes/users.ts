import { z } from 'zod';
import { DomainError } from '../../domain/errors.js';
import { RIGHTS, ROLES } from '../../domain/rights.js';
import { countAdmins, getUser, insertUser, listUsers, updateUser } from '../../catalog/users.js';
import { issueApiKey } from '../../auth/api-keys.js';
import { orgOf, principalOf, requireRight } from '../auth.js';
import { commonErrors, ErrorBody, IdParams } from '../schemas.js';
import type { RouteContext, ZodApp } from '../server.js';

const tags = ['users'];
const forbidden = { 403: ErrorBody } as const;

export const User = z.object({
  id: z.string(), email: z.string(), name: z.string(), role: z.enum(ROLES),
  rights: z.array(z.enum(RIGHTS)).describe('What the user may do; an admin holds every right.'),
  createdAt: z.string(),
  hasPassword: z.boolean().describe('false while an invited user has not chosen a password yet.'),
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

/** The users of the organization and their rights; only a user who manages users may change them. */
export function userRoutes(app: ZodApp, { deps }: RouteContext): void {
  const guard = { preHandler: requireRight('manage_users') };

  app.get('/users', {
    ...guard, schema: { summary: 'List the users', tags, response: { 200: z.object({ items: z.array(User) }), 401: ErrorBody, ...forbidden } },
  }, async (request) => ({ items: await listUsers(deps.db, orgOf(request)) }));

  app.get('/users/me', {
    schema: { summary: 'The user this API key belongs to, with its rights', tags, response: { 200: User, 401: ErrorBody } },
  }, async (request) => getUser(deps.db, orgOf(request), principalOf(request).userId));

  app.post('/users', {
    ...guard, schema: { summary: 'Add a user', tags, body: NewUser, response: { 201: User, ...commonErrors, ...forbidden, 409: ErrorBody } },
  }, async (request, reply) => reply.code(201).send(await insertUser(deps.db, orgOf(request), { ...request.body, rights: [...new Set(request.body.rights)] })));

  app.patch('/users/:id', {
    ...guard, schema: { summary: 'Change a user\'s name, role or rights', tags, params: IdParams, body: UserPatch, response: { 200: User, ...commonErrors, ...forbidden, 409: ErrorBody } },
  }, async (request) => {
    const orgId = orgOf(request);
    const before = await getUser(deps.db, orgId, request.params.id);
    if (before.role === 'admin' && request.body.role === 'member' && (await countAdmins(deps.db, orgId)) <= 1) {
      throw new DomainError('conflict', `${before.name} is the organization's only administrator: make another user admin first.`);
    }
    const rights = request.body.rights && [...new Set(request.body.rights)];
    return updateUser(deps.db, orgId, request.params.id, { ...request.body, ...(rights && { rights }) });
  });

  app.post('/users/:id/api-keys', {
    ...guard,
    schema: {
      summary: 'Issue an API key for a user', description: 'The key is shown only in this answer; Dossier keeps only its hash. It acts with the user\'s rights.',
      tags, params: IdParams, body: z.strictObject({ name: z.string().trim().min(1).max(200) }),
      response: { 201: z.object({ apiKey: z.string() }), ...commonErrors, ...forbidden },
    },
  }, async (request, reply) => {
    const orgId = orgOf(request);
    await getUser(deps.db, orgId, request.params.id);
    return reply.code(201).send({ apiKey: await issueApiKey(deps.db, orgId, request.params.id, request.body.name) });
  });
}
