import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { printerFor, table } from './output.js';

/**
 * `dossier webhooks list|add|update|remove|rotate-secret|test|deliveries|replay`: the same
 * endpoints as /v1/webhooks, on the server as the operator. Secrets are printed once. The
 * messages are sent by the server process (`dossier serve`), which picks up what these
 * commands queue.
 */
export function registerWebhooks(program: Command, ctx: CliContext): void {
  const hooks = program.command('webhooks').description('Signed webhook endpoints: add, change, test, and their deliveries (docs/webhooks.md).');
  const service = async () => (await ctx.deps()).webhooks.service;
  const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

  hooks.command('list').description('List the webhook endpoints.').action(async (_opts: unknown, cmd: Command) => {
    const endpoints = await (await service()).list(await ctx.orgId());
    printerFor(cmd).result({ endpoints }, (r) => (r.endpoints.length
      ? table(['ID', 'URL', 'EVENTS', 'STATE'], r.endpoints.map((e) => [e.id, e.url, e.eventTypes.join(','), e.stateReason ? `${e.state}: ${e.stateReason}` : e.state]))
      : 'No webhook endpoints.'));
  });

  hooks.command('add').description('Add an endpoint; its signing secret is printed once.')
    .requiredOption('--url <url>', 'where messages are POSTed')
    .requiredOption('--events <types>', 'comma-separated event types, such as document.created,document.backed_up')
    .option('--description <text>', 'what it is for')
    .action(async (opts: { url: string; events: string; description?: string }, cmd: Command) => {
      const made = await (await service()).create(await ctx.orgId(), { url: opts.url, eventTypes: list(opts.events), description: opts.description });
      printerFor(cmd).result(made, (r) => [`Webhook endpoint ${r.endpoint.id} for ${r.endpoint.url}.`, `Signing secret: ${r.secret}`, 'Keep it now: it is not shown again.']);
    });

  hooks.command('update').description('Change an endpoint, or enable or disable it.').argument('<id>')
    .option('--url <url>').option('--events <types>').option('--description <text>').option('--enable').option('--disable')
    .action(async (id: string, opts: { url?: string; events?: string; description?: string; enable?: boolean; disable?: boolean }, cmd: Command) => {
      const e = await (await service()).update(await ctx.orgId(), id, {
        url: opts.url, description: opts.description, eventTypes: opts.events ? list(opts.events) : undefined,
        enabled: opts.enable ? true : opts.disable ? false : undefined,
      });
      printerFor(cmd).result(e, (r) => `Webhook endpoint ${r.id}: ${r.state}.`);
    });

  hooks.command('remove').description('Remove an endpoint and its delivery log.').argument('<id>').action(async (id: string, _opts: unknown, cmd: Command) => {
    await (await service()).remove(await ctx.orgId(), id);
    printerFor(cmd).result({ id, removed: true }, () => `Webhook endpoint ${id} is removed.`);
  });

  hooks.command('rotate-secret').description('A new signing secret, printed once; the old one stays valid for 24 hours.').argument('<id>')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const r = await (await service()).rotate(await ctx.orgId(), id);
      printerFor(cmd).result(r, (x) => [`New signing secret: ${x.secret}`, `The previous one is valid until ${x.previousValidUntil}.`]);
    });

  hooks.command('test').description('Queue a webhook.test event to this endpoint.').argument('<id>').action(async (id: string, _opts: unknown, cmd: Command) => {
    const r = await (await service()).sendTest(await ctx.orgId(), id);
    printerFor(cmd).result(r, (x) => `Test message ${x.messageId} queued; dossier webhooks deliveries ${id} shows how it went.`);
  });

  hooks.command('deliveries').description('The endpoint\'s messages, newest first, with each try.').argument('<id>')
    .option('--limit <n>', 'how many', '20')
    .action(async (id: string, opts: { limit: string }, cmd: Command) => {
      const deliveries = await (await service()).deliveries(await ctx.orgId(), id, { limit: Number(opts.limit) || 20 });
      printerFor(cmd).result({ deliveries }, (r) => (r.deliveries.length
        ? table(['SEQ', 'MESSAGE', 'TYPE', 'STATE', 'TRIES', 'LAST'], r.deliveries.map((d) => {
          const last = d.tries.at(-1);
          return [String(d.seq), d.messageId, d.eventType, d.state, String(d.attempts), last ? `${last.statusCode ?? '-'} ${last.durationMs} ms${last.error ? ` ${last.error}` : ''}` : '-'];
        }))
        : 'No messages yet.'));
    });

  hooks.command('replay').description('Send a delivered or given-up message again (same webhook-id).').argument('<id>').argument('<seq>')
    .action(async (id: string, seq: string, _opts: unknown, cmd: Command) => {
      const d = await (await service()).replay(await ctx.orgId(), id, Number(seq));
      printerFor(cmd).result(d, (x) => `Message ${x.messageId} queued again.`);
    });
}
