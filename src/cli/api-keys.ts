import type { Command } from 'commander';
import { createApiKey } from '../auth/api-keys.js';
import { listApiKeys, revokeApiKey } from '../catalog/organizations.js';
import { listUsers } from '../catalog/users.js';
import { DomainError } from '../domain/errors.js';
import { userInOrganization, type CliContext } from './context.js';
import { printerFor, table } from './output.js';

/**
 * `dossier api-keys list|create|revoke`: on the server, as the operator. A key acts with the
 * rights of its user; it is printed once, and only its hash is kept. Revoking works at once.
 */
export function registerApiKeys(program: Command, ctx: CliContext): void {
  const keys = program.command('api-keys').description('List, create or revoke API keys.');

  keys.command('list')
    .description('List the API keys that still work (never their secret).')
    .option('--email <address>', 'only this user\'s keys')
    .action(async (opts: { email?: string }, cmd: Command) => {
      const out = printerFor(cmd);
      const [db, orgId] = [(await ctx.deps()).db, await ctx.orgId()];
      const owner = opts.email ? await userInOrganization(ctx, opts.email) : null;
      const emails = new Map((await listUsers(db, orgId)).map((u) => [u.id, u.email]));
      const list = (await listApiKeys(db, orgId, owner?.id)).map((k) => ({
        id: k.id, name: k.name, prefix: k.prefix, userId: k.userId, email: emails.get(k.userId) ?? null, createdAt: k.createdAt, lastUsedAt: k.lastUsedAt,
      }));
      out.result({ apiKeys: list }, ({ apiKeys }) => (apiKeys.length
        ? table(['ID', 'NAME', 'PREFIX', 'USER', 'CREATED', 'LAST USED'], apiKeys.map((k) => [k.id, k.name, `dsk_${k.prefix}_…`, k.email, k.createdAt, k.lastUsedAt]))
        : 'No API keys.'));
    });

  keys.command('create')
    .description('Make an API key for a user; it is printed once.')
    .requiredOption('--email <address>', 'the user the key acts as, with its rights')
    .requiredOption('--name <name>', 'what the key is for, such as "invoicing app"')
    .action(async (opts: { email: string; name: string }, cmd: Command) => {
      const out = printerFor(cmd);
      const user = await userInOrganization(ctx, opts.email);
      if (!user.active) throw new DomainError('conflict', `${user.email} is deactivated: run dossier users activate first.`);
      const made = await createApiKey((await ctx.deps()).db, await ctx.orgId(), user.id, opts.name.trim() || 'cli');
      out.result({ id: made.id, apiKey: made.apiKey, userId: user.id, email: user.email },
        (r) => [`API key ${r.id} for ${r.email}: ${r.apiKey}`, 'Keep it now: it is not shown again.']);
    });

  keys.command('revoke')
    .description('Revoke an API key: the next request made with it is refused.')
    .argument('<id>', 'the key\'s id (key_...), from dossier api-keys list')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const out = printerFor(cmd);
      if (!(await revokeApiKey((await ctx.deps()).db, await ctx.orgId(), id))) {
        throw new DomainError('not_found', `There is no working API key ${id} in this organization: dossier api-keys list shows them.`);
      }
      out.result({ id, revoked: true }, () => `API key ${id} is revoked.`);
    });
}
