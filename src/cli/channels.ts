import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { CHANNEL_KINDS, type ChannelKind } from '../domain/channels.js';
import { insertBinder, listBinders, type Channel } from '../catalog/channels.js';
import type { CollectRun } from '../catalog/collect-runs.js';
import { listUsers } from '../catalog/users.js';
import { UsageError, companyOf, positiveInt, type CliContext } from './context.js';
import { printerFor, table } from './output.js';

const runRows = (runs: CollectRun[]) => table(['RUN', 'TRIGGER', 'STATUS', 'QUEUED', 'FOUND', 'COLLECTED', 'SKIPPED', 'DUPLICATES', 'FAILED', 'ERROR'],
  runs.map((r) => [r.id, r.trigger, r.status, r.queuedAt, r.found, r.collected, r.skipped, r.duplicates, r.failed, r.error]));
const human = (c: Channel) => [`${c.id}  ${c.name} (${c.kind})`, `  state:     ${c.state}${c.stateReason ? ` - ${c.stateReason}` : ''}`,
  `  folder:    ${c.folder ?? '(the client chooses it)'}`, `  collects:  daily at ${c.collectAt}, into binder ${c.binderId}, for ${c.recipientId}`];

/** `dossier channels ...` and `dossier binders ...`: collection from clients' folders. */
export function registerChannels(program: Command, ctx: CliContext): void {
  const channels = program.command('channels').description('Collection channels: add, list, run, pause, resume, remove, invite.');
  const services = async () => (await ctx.deps()).collect;

  channels.command('list').description('List the channels.').option('--company <id>', 'only this company\'s')
    .action(async (opts: { company?: string }, cmd: Command) => {
      const list = await (await services()).channels.list(await ctx.orgId(), opts.company);
      printerFor(cmd).result({ channels: list }, ({ channels: cs }) => cs.length
        ? table(['ID', 'NAME', 'KIND', 'STATE', 'AT', 'FOLDER'], cs.map((c) => [c.id, c.name, c.kind, c.state, c.collectAt, c.folder])) : 'No channels yet.');
    });

  channels.command('add').description('Add a channel. A local folder (or a server given with --settings-file) starts at once; otherwise the client is e-mailed a link.')
    .requiredOption('--name <name>', 'what to call it').requiredOption('--kind <kind>', CHANNEL_KINDS.join('|'))
    .option('--company <id>', 'the company (default: the only one)').option('--recipient <userId>', 'who gets the documents (default: the first administrator)')
    .option('--binder <name>', 'binder to file into, created when missing', 'Inbox').option('--folder <path>', 'source folder (required for local)')
    .option('--settings-file <file>', 'SFTP/WebDAV server details as JSON (secrets included; read from a file, never the command line)')
    .option('--at <HH:MM>', 'daily collection time in the company\'s time zone', '06:00').option('--move-collected', 'move collected files to a Collected subfolder', false)
    .option('--client-email <email>', 'where the invitation goes').option('--client-name <name>', 'the client\'s name in the invitation')
    .option('--allow <senders>', 'email: addresses and domains to take documents from, comma-separated')
    .option('--others <policy>', 'email: what to do with other senders: refuse|hold|accept', 'hold')
    .option('--move-to <folder>', 'email: move collected messages to this IMAP folder (default: the mailbox is not changed)')
    .option('--body-pdf', 'email: a message with no document attached becomes a PDF of its body', false)
    .option('--sign-in <provider>', 'email: sign in to the mailbox with a provider (microsoft-mail, gmail) instead of a password; --settings-file gives username (and mailbox)')
    .action(async (o: { name: string; kind: string; company?: string; recipient?: string; binder: string; folder?: string; settingsFile?: string; at: string; moveCollected: boolean; clientEmail?: string; clientName?: string; allow?: string; others: string; moveTo?: string; bodyPdf: boolean; signIn?: string }, cmd: Command) => {
      if (!(CHANNEL_KINDS as readonly string[]).includes(o.kind)) throw new UsageError(`--kind must be one of ${CHANNEL_KINDS.join(', ')}.`);
      const deps = await ctx.deps();
      const orgId = await ctx.orgId();
      const recipientId = o.recipient ?? (await listUsers(deps.db, orgId)).find((u) => u.role === 'admin')!.id;
      const settings = o.settingsFile ? JSON.parse(await readFile(o.settingsFile, 'utf8')) as Record<string, unknown> : undefined;
      const channel = await deps.collect.channels.create(orgId, null, {
        companyId: await companyOf(ctx, o.company), name: o.name, kind: o.kind as ChannelKind, recipientId, binderName: o.binder, folder: o.folder, settings, signIn: o.signIn ?? null,
        collectAt: o.at, moveCollected: o.moveCollected, clientEmail: o.clientEmail, clientName: o.clientName,
        ...(o.kind === 'email' && { mail: {
          allowList: o.allow?.split(',').map((s) => s.trim()).filter(Boolean) ?? [], others: o.others as 'refuse' | 'hold' | 'accept',
          ...(o.moveTo && { processed: { action: 'move' as const, folder: o.moveTo } }),
          ...(o.bodyPdf && { bodyToPdf: true }),
        } }),
      });
      if (o.signIn) {
        // The consent page, to open in any browser: the provider sends it back to this installation's
        // callback, so the server must be running at its public address to finish the sign-in.
        const { url } = await deps.connections.authorize({ orgId, userId: recipientId }, o.signIn, { browser: false, returnTo: null, connectionId: channel.connectionId! });
        printerFor(cmd).result({ ...channel, signInUrl: url }, (c) => [...human(c),
          `  sign in:   open this address in a browser within 10 minutes and sign in as the mailbox's user; the running server finishes the sign-in:`, `  ${c.signInUrl}`]);
        return;
      }
      const invitation = channel.state === 'waiting_for_client' ? await deps.collect.invitations.send(orgId, channel.id, null) : null;
      printerFor(cmd).result({ ...channel, invitation }, (c) => [...human(c), ...(c.invitation ? [`  invited:   ${c.invitation.sentTo} (link valid until ${c.invitation.expiresAt})`] : [])]);
    });

  channels.command('held').description('An e-mail channel\'s messages kept aside for review (senders not on its list).').argument('<id>')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const held = await (await services()).runs.held(await ctx.orgId(), id);
      printerFor(cmd).result(held, (ms) => ms.length ? table(['MESSAGE', 'FROM', 'SUBJECT', 'RECEIVED'], ms.map((m) => [m.messageKey, m.fromAddress ?? '', m.subject ?? '', m.receivedAt])) : 'No message is held.');
    });

  channels.command('release').description('Let a held message in: its documents are filed now.').argument('<id>').argument('<messageKey>')
    .action(async (id: string, messageKey: string, _o: unknown, cmd: Command) => {
      const out = await (await services()).runs.releaseHeld(await ctx.orgId(), id, messageKey, null);
      printerFor(cmd).result(out, (o) => [`${o.messageKey}: ${o.outcome}, ${o.filed} document(s) filed`]);
    });

  channels.command('refuse').description('Refuse a held message: nothing of it is filed, and its kept copy is deleted.').argument('<id>').argument('<messageKey>')
    .action(async (id: string, messageKey: string, _o: unknown, cmd: Command) => {
      const out = await (await services()).runs.refuseHeld(await ctx.orgId(), id, messageKey);
      printerFor(cmd).result(out, (m) => [`${m.messageKey}: ${m.outcome}`]);
    });

  channels.command('show').description('A channel, its files by state and its last runs.').argument('<id>')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const s = await services();
      const orgId = await ctx.orgId();
      const channel = await s.channels.get(orgId, id);
      const out = { ...channel, files: await s.runs.ledger(orgId, id), runs: await s.runs.list(orgId, id, 5) };
      printerFor(cmd).result(out, (c) => [...human(c), `  files:     ${c.files.collected} collected, ${c.files.duplicate} duplicates, ${c.files.pending} pending, ${c.files.failed} failed`, '', ...(c.runs.length ? runRows(c.runs) : ['No runs yet.'])]);
    });

  for (const [name, what] of [['pause', 'Pause a channel.'], ['resume', 'Resume a paused channel.']] as const) {
    channels.command(name).description(what).argument('<id>').action(async (id: string, _o: unknown, cmd: Command) => {
      const c = await (await services()).channels[name](await ctx.orgId(), id);
      printerFor(cmd).result(c, (x) => `${x.name}: ${x.state}.`);
    });
  }

  channels.command('remove').description('Remove a channel (what was collected stays).').argument('<id>').option('--yes', 'confirm', false)
    .action(async (id: string, o: { yes: boolean }, cmd: Command) => {
      if (!o.yes) throw new UsageError('Removing a channel needs confirmation: add --yes.');
      await (await services()).channels.remove(await ctx.orgId(), id);
      printerFor(cmd).result({ removed: id }, () => `Removed ${id}.`);
    });

  channels.command('run').description('Run the collection now, in this process, and show the result.').argument('<id>').option('--yes', 'confirm (needed when not at a terminal)', false)
    .action(async (id: string, o: { yes: boolean }, cmd: Command) => {
      if (!o.yes) throw new UsageError('Running the collection now needs confirmation: add --yes.');
      const run = await (await services()).runs.runNow(await ctx.orgId(), id, null);
      printerFor(cmd).result(run, (r) => runRows([r]));
    });

  channels.command('runs').description('A channel\'s runs, newest first.').argument('<id>').option('--limit <n>', 'how many', positiveInt('--limit', 200), 20)
    .action(async (id: string, o: { limit: number }, cmd: Command) => {
      const runs = await (await services()).runs.list(await ctx.orgId(), id, o.limit);
      printerFor(cmd).result({ runs }, (r) => (r.runs.length ? runRows(r.runs) : 'No runs yet.'));
    });

  channels.command('run-show').description('One run and the outcome per file.').argument('<runId>')
    .action(async (runId: string, _o: unknown, cmd: Command) => {
      const r = await (await services()).runs.get(await ctx.orgId(), runId);
      printerFor(cmd).result(r, (x) => [...runRows([x.run]), '', ...table(['PATH', 'OUTCOME', 'INBOX ITEM', 'ERROR'], x.items.map((i) => [i.path, i.outcome, i.inboxItemId, i.error]))]);
    });

  channels.command('invite').description('E-mail the client a new link to connect (or reconnect) the folder.').argument('<id>')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const sent = await (await services()).invitations.send(await ctx.orgId(), id, null);
      printerFor(cmd).result(sent, (s) => `Sent a link to ${s.sentTo}, valid until ${s.expiresAt}.`);
    });

  const binders = program.command('binders').description('List or add binders.');
  binders.command('list').option('--company <id>', 'only this company\'s').action(async (o: { company?: string }, cmd: Command) => {
    const list = await listBinders((await ctx.deps()).db, await ctx.orgId(), o.company);
    printerFor(cmd).result({ binders: list }, ({ binders: bs }) => (bs.length ? table(['ID', 'NAME', 'COMPANY'], bs.map((b) => [b.id, b.name, b.companyId])) : 'No binders yet.'));
  });
  binders.command('add').requiredOption('--name <name>').option('--company <id>').action(async (o: { name: string; company?: string }, cmd: Command) => {
    const b = await insertBinder((await ctx.deps()).db, await ctx.orgId(), await companyOf(ctx, o.company), o.name.trim());
    printerFor(cmd).result(b, (x) => `Added binder ${x.id} (${x.name}).`);
  });
}
