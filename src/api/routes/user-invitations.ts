import { z } from 'zod';
import { DomainError } from '../../domain/errors.js';
import { LANGUAGES } from '../../domain/documents.js';
import { RIGHTS, ROLES } from '../../domain/rights.js';
import { MIN_PASSWORD_LENGTH } from '../../auth/passwords.js';
import type { UserInvitationService } from '../../auth/user-invitations.js';
import { assertMayAssign, assertMayChange } from '../../auth/grants.js';
import { getUser } from '../../catalog/users.js';
import { orgOf, principalOf } from '../auth.js';
import { commonErrors, ErrorBody, IdParams } from '../schemas.js';
import type { RouteContext, ZodApp } from '../server.js';
import { User } from './users.js';

const tags = ['users'];
const Token = z.object({ token: z.string().min(1).max(200) });
const Language = z.enum(LANGUAGES).default('en').describe('The language of the e-mail.');

const Invitation = z.object({ id: z.string(), expiresAt: z.string() }).meta({ id: 'UserInvitation' });
const Invited = z.object({ user: User, invitation: Invitation }).meta({ id: 'InvitedUser' });
const InvitationView = z.object({ email: z.string(), name: z.string(), organization: z.string(), expiresAt: z.string() }).meta({ id: 'UserInvitationView' });

const NewInvitation = z.strictObject({
  email: z.string().trim().email('Give an e-mail address, such as anna@example.com.'),
  name: z.string().trim().min(1).max(200),
  role: z.enum(ROLES).default('member'),
  rights: z.array(z.enum(RIGHTS)).default([]),
  language: Language,
});

const service = (ctx: RouteContext): UserInvitationService => {
  const s = ctx.deps.users?.invitations;
  if (!s) throw new DomainError('unavailable', 'Inviting users is not available in this installation.', { reason: 'user_invitations_unavailable' });
  return s;
};

/** Inviting users by e-mail: only a user who manages users may, giving only what it may give (auth/grants.ts). */
export function userInvitationRoutes(app: ZodApp, ctx: RouteContext): void {

  app.post('/users/invitations', {
    schema: {
      summary: 'Invite a user by e-mail', tags,
      description: 'Adds the user with these rights, without a password, and mails a one-time link (it expires; only its hash is kept) to a page where they choose a password.',
      body: NewInvitation, response: { 201: Invited, ...commonErrors, 403: ErrorBody, 409: ErrorBody },
    },
  }, async (request, reply) => {
    const p = principalOf(request);
    const rights = [...new Set(request.body.rights)];
    // The same rule as adding a user: only rights the inviter holds, and admin only from an admin.
    assertMayAssign(p, { role: request.body.role, rights }, null);
    const invited = await service(ctx).invite(p.orgId, p.userId, { ...request.body, rights });
    return reply.code(201).send(invited);
  });

  app.post('/users/:id/invitation', {
    schema: {
      summary: 'Send a user\'s invitation again', description: 'The earlier link stops working. Refused once the user has a password.', tags, params: IdParams,
      body: z.strictObject({ language: Language }).default({ language: 'en' }), response: { 201: Invitation, ...commonErrors, 403: ErrorBody, 409: ErrorBody },
    },
  }, async (request, reply) => {
    const p = principalOf(request);
    assertMayChange(p, await getUser(ctx.deps.db, p.orgId, request.params.id));
    return reply.code(201).send(await service(ctx).send(orgOf(request), request.params.id, p.userId, request.body.language));
  });
}

/** The invited person's steps, authorized by the link's token alone (they cannot sign in yet). */
export function joinRoutes(app: ZodApp, ctx: RouteContext): void {
  app.get('/user-invitations/:token', {
    schema: { summary: 'Who an invitation is for', tags, security: [], params: Token, response: { 200: InvitationView, 404: ErrorBody, 409: ErrorBody } },
  }, async (request) => service(ctx).view(request.params.token));

  app.post('/user-invitations/:token', {
    schema: {
      summary: 'Choose a password: the link is used up, then sign in with POST /v1/session', tags, security: [], params: Token,
      body: z.strictObject({ password: z.string().min(MIN_PASSWORD_LENGTH).max(1000) }),
      response: { 200: z.object({ email: z.string() }), 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
    },
  }, async (request) => service(ctx).accept(request.params.token, request.body.password));
}
