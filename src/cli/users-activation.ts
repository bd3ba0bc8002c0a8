import type { Command } from 'commander';
import { deactivateUser, reactivateUser } from '../auth/deactivation.js';
import type { User } from '../catalog/users.js';
import { userInOrganization, type CliContext } from './context.js';
import { printerFor } from './output.js';

/**
 * `dossier users deactivate|activate`: on the server, as the operator (who may do what an
 * administrator may). Deactivating ends the user's sessions and revokes its API keys at once;
 * the last active administrator cannot be deactivated.
 */
export function registerUserActivation(users: Command, ctx: CliContext): void {
  const view = (u: User) => ({ userId: u.id, email: u.email, role: u.role, active: u.active });

  users.command('deactivate')
    .description('Deactivate a user: its sessions end and its API keys stop working at once; it stays listed with its history.')
    .requiredOption('--email <address>', 'the user, such as anna@example.com')
    .action(async (opts: { email: string }, cmd: Command) => {
      const out = printerFor(cmd);
      const user = await userInOrganization(ctx, opts.email);
      const done = await deactivateUser((await ctx.deps()).db, await ctx.orgId(), user.id);
      out.result(view(done), () => `${done.email} is deactivated: it can no longer sign in, and its API keys are revoked.`);
    });

  users.command('activate')
    .description('Reactivate a deactivated user: it can sign in again (its old API keys stay revoked).')
    .requiredOption('--email <address>', 'the user, such as anna@example.com')
    .action(async (opts: { email: string }, cmd: Command) => {
      const out = printerFor(cmd);
      const user = await userInOrganization(ctx, opts.email);
      const done = await reactivateUser((await ctx.deps()).db, await ctx.orgId(), user.id);
      out.result(view(done), () => `${done.email} is active again and can sign in.`);
    });
}
