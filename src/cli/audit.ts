import type { Command } from 'commander';
import { auditHead } from '../audit/log.js';
import { verifyChain, type ChainReport } from '../audit/verify.js';
import { organizationsWithAudit } from '../catalog/audit.js';
import { globals, type CliContext } from './context.js';
import { printerFor } from './output.js';

/** `dossier audit verify|head`: recompute the audit log's hash chain, or show where it ends. */
export function registerAudit(program: Command, ctx: CliContext): void {
  const audit = program.command('audit').description('Check the audit log: every entry is chained to the one before it by SHA-256.');

  audit
    .command('verify')
    .description('Recompute the hash chain of the organization given with --org (of every organization without it) and name the first entry that does not match. Exit code 1 when one does not.')
    .action(async (_opts: unknown, cmd: Command) => {
      const out = printerFor(cmd);
      const deps = await ctx.deps();
      const orgs = globals(cmd).org ? [await ctx.orgId()] : await organizationsWithAudit(deps.db);
      const reports: ChainReport[] = [];
      for (const orgId of orgs) reports.push(await verifyChain(deps.db, orgId));
      const ok = reports.every((r) => r.ok);
      if (!ok) process.exitCode = 1;
      out.result({ ok, organizations: reports }, (d) => d.organizations.map((r) => r.ok
        ? `${r.orgId}: the chain holds, ${r.entries} entries, head ${r.head.seq} ${r.head.hash}.`
        : `${r.orgId}: the chain is broken at entry ${r.firstFailure!.seq} (${r.firstFailure!.problem}): ${r.firstFailure!.message}`));
    });

  audit
    .command('head')
    .description('Where the organization\'s chain ends (seq and hash): keep it elsewhere, so that a shortened log shows.')
    .action(async (_opts: unknown, cmd: Command) => {
      const out = printerFor(cmd);
      const head = await auditHead((await ctx.deps()).db, await ctx.orgId());
      out.result(head, (h) => `${h.orgId}: entry ${h.seq}, hash ${h.hash} (as of ${h.at}).`);
    });
}
