// npm run bench:mail -- [--messages 1000] [--new 10] [--keep] [--profile file.cpuprofile] [--no-binary]
//
// Collection by e-mail from an IMAP mailbox (a throw-away Dovecot on loopback, TLS):
//  1. a first pass over --messages messages of two PDF attachments each (20-80 KB), against
//     `mbsync` (isync) mirroring the same mailbox to a Maildir in the same run. Both fetch every
//     message; Dossier also parses it, stores every attachment durably and files it (the inbox
//     item, the vault document, the ledger), reading left to its jobs (off here, as in
//     bench:collect). The ratio of the times is the result (goal: at most 1.5x mbsync's).
//     Beside the wall times, the CPU time of each side (Dovecot's not counted), which a loaded
//     machine disturbs far less.
//  2. a second pass after --new messages arrived: the IMAP commands of the pass, which must be
//     a few plus O(new messages), whatever the mailbox holds.
// --no-binary: Dossier does not ask for BINARY (as with Gmail or Microsoft 365, which do not offer it)
// and undoes the parts' transfer encoding itself. With --profile, the CPU profile of Dossier's first pass (its main thread) is written to that file.
// Results go to stdout as Markdown.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { promisify } from 'node:util';
import { startDovecot, DOVECOT_MISSING } from '../test/servers/dovecot.js';
import { appendMessages, composeMail, dovecotSettings } from '../test/helpers/mail.js';
import { TEST_CONTEXT, TEST_LIMITS } from '../test/helpers/limits.js';
import { loadConfig } from '../src/config/config.js';
import { silentLogger } from '../src/log/log.js';
import { buildDeps } from '../src/main/deps.js';
import { bootstrapIfEmpty } from '../src/auth/bootstrap.js';
import { getCompany } from '../src/catalog/organizations.js';
import { LEASE_OWNER } from '../src/catalog/leases.js';
import { imapDefinition } from '../src/connectors/imap/index.js';
import { ImapMailbox } from '../src/connectors/imap/mailbox.js';
import { collectMailbox } from '../src/collect/email/imap-run.js';
import { pdfBytes, prng } from './dataset.js';
import { flushDisks } from './tools.js';

const run = promisify(execFile);
const { values: flags } = parseArgs({ options: { messages: { type: 'string', default: '1000' }, new: { type: 'string', default: '10' }, keep: { type: 'boolean', default: false }, profile: { type: 'string' }, 'no-binary': { type: 'boolean', default: false } } });
const MESSAGES = Number(flags.messages), NEW = Number(flags.new);
if (![MESSAGES, NEW].every((n) => Number.isInteger(n) && n >= 1)) { console.error('--messages and --new take whole numbers of at least 1.'); process.exit(2); }
const step = (t: string) => process.stderr.write(`\n== ${t}\n`);

async function messages(from: number, count: number, seed: number): Promise<{ raws: Buffer[]; bytes: number }> {
  const rand = prng(seed);
  const raws: Buffer[] = [];
  let bytes = 0;
  for (let i = from; i < from + count; i++) {
    const attachments = [0, 1].map((k) => ({ filename: `invoice-${i}-${k}.pdf`, content: pdfBytes(20_000 + Math.floor(rand() * 60_000)) }));
    const raw = await composeMail({ messageId: `<bench-${i}@supplier.example>`, subject: `Invoice ${i}`, attachments });
    bytes += raw.length;
    raws.push(raw);
  }
  return { raws, bytes };
}

async function main(): Promise<void> {
  const d = await startDovecot();
  if (!d) throw new Error(DOVECOT_MISSING);
  const work = await mkdtemp(join(tmpdir(), 'dossier-bench-mail-'));
  try {
    step(`filling the mailbox: ${MESSAGES} messages with 2 PDF attachments each`);
    const first = await messages(0, MESSAGES, 1);
    await appendMessages(d, first.raws);

    // mbsync: the same mailbox mirrored to a Maildir, over the same TLS.
    await writeFile(join(work, 'cert.pem'), d.certificate);
    const mirror = join(work, 'mirror');
    await mkdir(mirror);
    const rc = join(work, 'mbsyncrc');
    await writeFile(rc, [
      'IMAPAccount bench', `Host ${d.host}`, `Port ${d.port}`, `User ${d.username}`, `Pass ${d.password}`, 'SSLType IMAPS', `CertificateFile ${join(work, 'cert.pem')}`, '',
      'IMAPStore remote', 'Account bench', '', 'MaildirStore local', `Path ${mirror}/`, `Inbox ${mirror}/INBOX`, '',
      'Channel bench', 'Far :remote:', 'Near :local:', 'Patterns INBOX', 'Create Near', 'SyncState *', 'Sync Pull', '',
    ].join('\n'));
    // CPU time beside the wall time: on a shared, loaded machine the wall time of each side
    // depends on what else runs, while the CPU each spends (Dovecot's own not counted) does far less.
    const cpuFile = join(work, 'mbsync-cpu');
    const mbsync = async () => {
      await flushDisks();
      const t = performance.now();
      await run('/usr/bin/time', ['-f', '%U %S', '-o', cpuFile, 'mbsync', '-c', rc, '-q', 'bench'], { maxBuffer: 1 << 24 });
      await flushDisks(); // mbsync fsyncs each message (isync's FSync defaults to yes); the rest reaches the disk here
      const [user, sys] = (await readFile(cpuFile, 'utf8')).trim().split(/\s+/).map(Number);
      return { ms: performance.now() - t, cpuMs: ((user ?? 0) + (sys ?? 0)) * 1000 };
    };

    const deps = await buildDeps({ config: loadConfig({ DOSSIER_DATA_DIR: join(work, 'data'), LOG_LEVEL: 'silent', ...TEST_LIMITS }), log: silentLogger, readDocuments: false });
    const boot = (await bootstrapIfEmpty(deps.db))!;
    const channel = await deps.collect.channels.create(boot.orgId, boot.userId, {
      companyId: boot.companyId, name: 'Bench mail', kind: 'email', settings: dovecotSettings(d), mail: { others: 'accept' },
      recipientId: boot.userId, binderName: 'Purchases', collectAt: '06:00', moveCollected: false,
    });
    const company = await getCompany(deps.db, boot.orgId, boot.companyId);
    /** With --profile, the first pass's CPU profile of this thread: where Dossier's time goes, without the set-up around it. */
    const profiled = async <T>(f: () => Promise<T>): Promise<T> => {
      if (!flags.profile) return f();
      const session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
      try {
        return await f();
      } finally {
        const { profile } = await session.post('Profiler.stop');
        await writeFile(flags.profile, JSON.stringify(profile));
        session.disconnect();
      }
    };
    const dossierPass = async () => {
      await flushDisks();
      const current = await deps.collect.channels.get(boot.orgId, channel.id);
      const box = await ImapMailbox.connect(imapDefinition.settings.parse(dovecotSettings(d)), TEST_CONTEXT, undefined, { binary: !flags['no-binary'] });
      const t = performance.now();
      const cpu = process.cpuUsage(); // the whole process: its mail threads included
      try {
        const pass = await collectMailbox({ db: deps.db, log: silentLogger, vault: deps.vault, blobs: deps.blobs, readDocuments: false },
          { orgId: boot.orgId, channel: current, company, owner: LEASE_OWNER, runId: null }, box);
        const used = process.cpuUsage(cpu);
        return { ms: performance.now() - t, cpuMs: (used.user + used.system) / 1000, ...pass, filed: pass.outcomes.reduce((n, o) => n + o.filed, 0) };
      } finally {
        await box.close();
      }
    };

    step('first pass: mbsync, then Dossier');
    const mbFirst = await mbsync();
    const dFirst = await profiled(dossierPass);
    step(`second pass after ${NEW} new messages`);
    await appendMessages(d, (await messages(MESSAGES, NEW, 2)).raws);
    const mbSecond = await mbsync();
    const dSecond = await dossierPass();
    await deps.close();

    const mb = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    console.log(`# bench:mail\n\n${cpus().length} cores, load ${loadavg()[0]!.toFixed(2)}; Dovecot on loopback over TLS; ${MESSAGES} messages, ${(first.bytes / 1e6).toFixed(1)} MB, ${2 * MESSAGES} attachments${flags['no-binary'] ? '; Dossier without BINARY' : ''}.\n`);
    console.log('| pass | mbsync | Dossier | ratio | mbsync CPU | Dossier CPU | CPU ratio | Dossier filed | fetched whole | Dossier IMAP commands |');
    console.log('|---|---|---|---|---|---|---|---|---|---|');
    const line = (name: string, m: { ms: number; cpuMs: number }, d: typeof dFirst) =>
      `| ${name} | ${mb(m.ms)} | ${mb(d.ms)} | ${(d.ms / m.ms).toFixed(2)}x | ${mb(m.cpuMs)} | ${mb(d.cpuMs)} | ${(d.cpuMs / m.cpuMs).toFixed(2)}x | ${d.filed} | ${d.whole} | ${d.commands} |`;
    console.log(line(`first (${MESSAGES} messages)`, mbFirst, dFirst));
    console.log(line(`second (${NEW} new)`, mbSecond, dSecond));
    console.log(`\nGoal: first pass at most 1.5x mbsync's time (${(dFirst.ms / mbFirst.ms) <= 1.5 ? 'met' : 'NOT met'}); second pass O(new): ${dSecond.commands} commands for ${NEW} new messages.`);
  } finally {
    if (!flags.keep) await rm(work, { recursive: true, force: true });
    await d.stop();
  }
}

await main();
