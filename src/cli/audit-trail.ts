import type { Command } from 'commander';
import { recordAudit } from '../audit/log.js';
import { OPERATOR, type AuditType } from '../domain/audit.js';
import type { CliContext } from './context.js';
import { commandResult } from './output.js';

/**
 * The command-line changes of settings, users, keys and webhooks as audit entries, by the
 * operator (actor system/cli): one table, like the API's (src/api/audit-trail.ts), so a new
 * command of that kind is one line here. Retention changes, purges, deletions and imports are
 * recorded by the services themselves, in the change's own transaction. An entry is written
 * only when the command succeeded, and holds the names of the options given, never their
 * values (a password file, a secret's environment variable); the object is the id in the
 * arguments, or the one the command made.
 */
const AUDITED: Record<string, { type: AuditType; object: string }> = {
  'companies add': { type: 'settings.changed', object: 'company' },
  'destinations add': { type: 'settings.changed', object: 'destination' },
  'destinations pause': { type: 'settings.changed', object: 'destination' },
  'destinations resume': { type: 'settings.changed', object: 'destination' },
  'destinations remove': { type: 'settings.changed', object: 'destination' },
  'channels add': { type: 'settings.changed', object: 'channel' },
  'channels pause': { type: 'settings.changed', object: 'channel' },
  'channels resume': { type: 'settings.changed', object: 'channel' },
  'channels remove': { type: 'settings.changed', object: 'channel' },
  'channels release': { type: 'settings.changed', object: 'channel' },
  'channels refuse': { type: 'settings.changed', object: 'channel' },
  'binders add': { type: 'settings.changed', object: 'binder' },
  'users password': { type: 'settings.changed', object: 'user' },
  'users deactivate': { type: 'user.rights_changed', object: 'user' },
  'users activate': { type: 'user.rights_changed', object: 'user' },
  'api-keys create': { type: 'api_key.created', object: 'api_key' },
  'api-keys revoke': { type: 'api_key.revoked', object: 'api_key' },
  'webhooks add': { type: 'settings.changed', object: 'webhook' },
  'webhooks update': { type: 'settings.changed', object: 'webhook' },
  'webhooks remove': { type: 'settings.changed', object: 'webhook' },
  'webhooks rotate-secret': { type: 'settings.changed', object: 'webhook' },
};

const ID = /^[a-z]+_[a-z2-7]+$/;

function pathOf(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

function madeId(result: unknown): string | undefined {
  if (!result || typeof result !== 'object') return undefined;
  const r = result as { id?: unknown; userId?: unknown; endpoint?: { id?: unknown } };
  const id = r.id ?? r.endpoint?.id ?? r.userId;
  return typeof id === 'string' ? id : undefined;
}

/** The postAction hook of the whole program: runs after a command's action returned without error. */
export function registerCliAuditTrail(program: Command, ctx: CliContext): void {
  program.hook('postAction', async (_program, action) => {
    const command = pathOf(action);
    const entry = AUDITED[command];
    if (!entry) return;
    const opts = action.opts() as Record<string, unknown>;
    const id = action.args.find((a) => ID.test(a)) ?? madeId(commandResult(action));
    const deps = await ctx.deps();
    await recordAudit(deps.db, await ctx.orgId(), {
      type: entry.type, actor: OPERATOR, objectType: entry.object, objectId: id,
      companyId: typeof opts.company === 'string' ? opts.company : undefined,
      // The options the operator gave, not those left at their defaults.
      details: { command, options: Object.keys(opts).filter((k) => opts[k] !== undefined && action.getOptionValueSource(k) !== 'default').sort() },
    });
  });
}
