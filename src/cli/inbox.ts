import type { Command } from 'commander';
import { INBOX_STATUSES, type InboxStatus } from '../domain/channels.js';
import type { InboxView } from '../collect/inbox.js';
import { UsageError, positiveInt, type CliContext } from './context.js';
import { printerFor, table } from './output.js';

const value = (i: InboxView, f: string) => { const v = i.fields[f]?.value; return v === undefined ? null : String(v); };
const collect = (v: string, all: string[]) => [...all, v];

/** `dossier inbox ...`: what was collected, waiting for data entry. */
export function registerInbox(program: Command, ctx: CliContext): void {
  const inbox = program.command('inbox').description('List, show and correct what collection filed in the inbox.');
  const service = async () => (await ctx.deps()).collect.inbox;

  inbox.command('list').description('List inbox items.')
    .option('--company <id>').option('--binder <id>').option('--recipient <userId>').option('--status <status>', INBOX_STATUSES.join('|'))
    .option('--after <id>', 'page on after this id').option('--limit <n>', 'how many', positiveInt('--limit', 500), 100)
    .action(async (o: { company?: string; binder?: string; recipient?: string; status?: string; after?: string; limit: number }, cmd: Command) => {
      if (o.status && !(INBOX_STATUSES as readonly string[]).includes(o.status)) throw new UsageError(`--status must be one of ${INBOX_STATUSES.join(', ')}.`);
      const items = await (await service()).list(await ctx.orgId(), { companyId: o.company, binderId: o.binder, recipientId: o.recipient, status: o.status as InboxStatus | undefined, after: o.after, limit: o.limit });
      printerFor(cmd).result({ items }, ({ items: is }) => (is.length
        ? table(['ID', 'STATUS', 'FILE', 'SUPPLIER', 'NUMBER', 'TOTAL', 'FLAG'], is.map((i) => [i.id, i.status, i.filename, value(i, 'sellerName'), value(i, 'number'), value(i, 'totalWithVat'), i.likelyDuplicateOf ? `likely duplicate of ${i.likelyDuplicateOf}` : '']))
        : 'The inbox is empty.'));
    });

  inbox.command('show').description('One item: the fields read, their confidence, and where the original is.').argument('<id>')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const item = await (await service()).get(await ctx.orgId(), id);
      printerFor(cmd).result(item, (i) => [`${i.id}  ${i.filename} (${i.status})`, `  original: document ${i.documentId}`,
        ...(i.extraction.ok ? [] : [`  not read: ${i.extraction.message}`]),
        ...table(['FIELD', 'VALUE', 'CONFIDENCE', 'SOURCE'], Object.entries(i.fields).map(([k, f]) => [k, String(f.value), f.confidence.toFixed(2), f.provenance.kind]))]);
    });

  inbox.command('update').description('Correct or confirm fields, mark done, reassign, or move to another binder.').argument('<id>')
    .option('--set <field=value>', 'a corrected value (repeatable); an empty value clears it', collect, [])
    .option('--confirm <field>', 'a field read right (repeatable)', collect, [])
    .option('--status <status>', INBOX_STATUSES.join('|')).option('--recipient <userId>').option('--binder <id>')
    .action(async (id: string, o: { set: string[]; confirm: string[]; status?: string; recipient?: string; binder?: string }, cmd: Command) => {
      const fields: Record<string, string | null> = {};
      for (const s of o.set) {
        const eq = s.indexOf('=');
        if (eq < 1) throw new UsageError(`--set takes field=value, not "${s}".`);
        fields[s.slice(0, eq)] = s.slice(eq + 1) || null;
      }
      if (o.status && !(INBOX_STATUSES as readonly string[]).includes(o.status)) throw new UsageError(`--status must be one of ${INBOX_STATUSES.join(', ')}.`);
      const item = await (await service()).change(await ctx.orgId(), null, id, {
        ...(o.set.length && { fields }), ...(o.confirm.length && { confirm: o.confirm }), status: o.status as InboxStatus | undefined, recipientId: o.recipient, binderId: o.binder,
      });
      printerFor(cmd).result(item, (i) => `Updated ${i.id} (${i.status}).`);
    });
}
