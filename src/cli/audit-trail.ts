import { Command } from 'commander';
import { recordAudit } from '../audit/log.js';
import { inOneTransaction } from '../catalog/unit-of-work.js';
import { OPERATOR, type AuditType } from '../domain/audit.js';
import type { CliContext } from './context.js';
import { commandResult } from './output.js';

/**
 * The command-line changes of settings, users, keys and webhooks as audit entries, by the
 * operator (actor system/cli): one table, like the API's (src/api/audit-trail.ts), so a new
 * command of that kind is one line here. Retention changes, purges, deletions and imports are
 * recorded by the services themselves, in the change's own transaction. An audited command
 * runs as one unit of work (catalog/unit-of-work.ts) with its entry, as an API change does: the
 * entry is written when the command succeeded, and if it cannot be, the change is rolled back
 * too. It holds the names of the options given, never their values (a password file, a
 * secret's environment variable); the object is the id in the arguments, or the one the
 * command made.
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

type Run = (cmd: Command, action: () => Promise<void>) => Promise<void>;
const runners = new WeakMap<Command, Run>();

const rootOf = (cmd: Command): Command => { let c = cmd; while (c.parent) c = c.parent; return c; };

/**
 * The program's command class: every sub-command made with .command() is one too, and its
 * action runs through the runner its program was given (registerCliAuditTrail), which wraps
 * the audited ones in their unit of work. Commander's own extension points (createCommand,
 * action) are used, so nothing of its internals is touched.
 */
export class DossierCommand extends Command {
  override createCommand(name?: string): Command {
    return new DossierCommand(name);
  }

  override action(fn: (this: Command, ...args: any[]) => void | Promise<void>): this {
    return super.action(function (this: Command, ...args: any[]) {
      const run = runners.get(rootOf(this));
      return run ? run(this, async () => { await fn.apply(this, args); }) : fn.apply(this, args);
    });
  }
}

/** Audited commands run in one transaction with their entry: both commit, or neither (and the command fails). */
export function registerCliAuditTrail(program: Command, ctx: CliContext): void {
  runners.set(program, async (action, work) => {
    const command = pathOf(action);
    const entry = AUDITED[command];
    if (!entry) return work();
    // Opened (and migrated) before the unit, so that none of that is part of it.
    const deps = await ctx.deps();
    const orgId = await ctx.orgId();
    return inOneTransaction(async () => {
      await work();
      const opts = action.opts() as Record<string, unknown>;
      const id = action.args.find((a) => ID.test(a)) ?? madeId(commandResult(action));
      await recordAudit(deps.db, orgId, {
        type: entry.type, actor: OPERATOR, objectType: entry.object, objectId: id,
        companyId: typeof opts.company === 'string' ? opts.company : undefined,
        // The options the operator gave, not those left at their defaults.
        details: { command, options: Object.keys(opts).filter((k) => opts[k] !== undefined && action.getOptionValueSource(k) !== 'default').sort() },
      });
    });
  });
}
