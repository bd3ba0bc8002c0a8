import type { Command } from 'commander';
import { generatePassword } from '../auth/passwords.js';
import { setPassword } from '../auth/sessions.js';
import { userInOrganization, type CliContext } from './context.js';
import { printerFor } from './output.js';
import { secret } from './destinations-add.js';
import { registerUserActivation } from './users-activation.js';

/**
 * `dossier users password`: sets a user's password for signing in to the web app, on the
 * server. For an installation set up before the web app, or a forgotten password.
 * `dossier users deactivate|activate` are in users-activation.ts.
 */
export function registerUsers(program: Command, ctx: CliContext): void {
  const users = program.command('users').description('Manage the people who sign in to the web app.');
  users.command('password')
    .description('Set the password of a user (a new random one is printed when none is given).')
    .requiredOption('--email <address>', 'the user, such as admin@localhost')
    .option('--password-env <VAR>', 'read the new password from this environment variable')
    .option('--password-file <FILE>', 'read the new password from this file')
    .action(async (opts: { email: string; passwordEnv?: string; passwordFile?: string }, cmd: Command) => {
      const out = printerFor(cmd);
      const db = (await ctx.deps()).db;
      const orgId = await ctx.orgId();
      const user = await userInOrganization(ctx, opts.email);
      const given = await secret('password', ctx.env, opts.passwordEnv, opts.passwordFile);
      const password = given ?? generatePassword();
      await setPassword(db, orgId, user.id, password);
      out.result({ userId: user.id, email: user.email, ...(given ? {} : { password }) },
        () => (given ? `The password of ${user.email} is set.` : `The password of ${user.email} is now: ${password}`));
    });
  registerUserActivation(users, ctx);
}

