import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/log/log.js';
import { buildDeps } from '../../src/main/deps.js';
import { bootstrapIfEmpty } from '../../src/auth/bootstrap.js';
import { updateChannel } from '../../src/catalog/channels.js';
import { DEFAULT_MAIL_OPTIONS } from '../../src/domain/channels.js';
import { sendMail } from '../helpers/inbound-smtp.js';
import { TEST_LIMITS } from '../helpers/limits.js';
import { tinyPdf } from '../helpers/mail.js';

const child = fileURLToPath(new URL('./smtp-child.ts', import.meta.url));
const ADDRESS = 'crash-test@in.example.com';
const ROUNDS = 3;
const MAILS_PER_ROUND = 6;

function startChild(dataDir: string, port: number, dns: 'slow' | 'fast'): { p: ChildProcess; listening: Promise<void>; exited: Promise<void>; errors(): string } {
  const p = spawn(process.execPath, ['--import', 'tsx', child, dataDir, String(port), dns], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  const seen = (word: string) => new Promise<void>((resolve, reject) => {
    p.stdout!.on('data', () => { if (out.includes(word)) resolve(); });
    p.on('exit', (code, signal) => reject(new Error(`the SMTP process ended (${signal ?? code}) before "${word}": ${err}`)));
  });
  p.stdout!.on('data', (d) => { out += d; });
  p.stderr!.on('data', (d) => { err += d; });
  const exited = new Promise<void>((resolve) => p.on('exit', () => resolve()));
  return { p, listening: seen('listening'), exited, errors: () => err };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const mail = (n: number) => ({ from: 'ap@supplier.example', to: ADDRESS, subject: `Invoice ${n}`, attachments: [{ filename: `inv-${n}.pdf`, content: tinyPdf(`invoice ${n}`) }] });

describe('crash safety of mail received by SMTP', () => {
  let dir = '', dataDir = '', channelId = '', port = 0;
  const config = () => loadConfig({ DOSSIER_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...TEST_LIMITS, DOSSIER_SMTP_INBOUND: '127.0.0.1:0', DOSSIER_SMTP_DOMAIN: 'in.example.com' });
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dossier-crash-smtp-'));
    dataDir = join(dir, 'data');
    port = await freePort();
    const deps = await buildDeps({ config: config(), log: silentLogger });
    const first = (await bootstrapIfEmpty(deps.db))!;
    const channel = await deps.collect.channels.create(first.orgId, first.userId, {
      companyId: first.companyId, name: 'Crash', kind: 'email', mailbox: 'crash-test', recipientId: first.userId, binderName: 'Purchases', collectAt: '06:00', moveCollected: false,
    });
    await updateChannel(deps.db, first.orgId, channel.id, { options: { mail: { ...DEFAULT_MAIL_OPTIONS, others: 'accept' } } });
    channelId = channel.id;
    await deps.close();
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('files once every mail answered 250, though the process is killed right after the 250 or while filing', async () => {
    const answered = new Set<number>();
    // Killed right after the 250, before any filing could start (DNS holds the SPF check).
    let c = startChild(dataDir, port, 'slow');
    await c.listening;
    await sendMail({ port, ...mail(0) });
    answered.add(0);
    c.p.kill('SIGKILL');
    await c.exited;
    assert.equal((await readdir(join(dataDir, 'mail-spool', 'new'))).length, 1, 'the mail answered 250 is in the spool');

    // Killed while mails come and are filed: right after the 250 of one mail of each round.
    let n = 1, kills = 1;
    for (let round = 0; round < ROUNDS; round++) {
      c = startChild(dataDir, port, 'fast');
      await c.listening;
      const killAfter = 1 + Math.floor(Math.random() * MAILS_PER_ROUND);
      for (let i = 0; i < MAILS_PER_ROUND; i++, n++) {
        // A sender whose session was cut before the 250 sends again later (below).
        if (await sendMail({ port, ...mail(n) }).then(() => true, () => false)) answered.add(n);
        if (i + 1 === killAfter && c.p.exitCode === null && c.p.signalCode === null) { c.p.kill('SIGKILL'); kills++; }
      }
      if (c.p.exitCode === null && c.p.signalCode === null) c.p.kill('SIGKILL');
      await c.exited;
    }
    c = startChild(dataDir, port, 'fast');
    await c.listening;
    for (let i = 0; i < n; i++) if (!answered.has(i)) { await sendMail({ port, ...mail(i) }); answered.add(i); }
    const spoolEmpty = async () => (await readdir(join(dataDir, 'mail-spool', 'new'))).length === 0;
    for (let tries = 0; tries < 3000 && !(await spoolEmpty()); tries++) await new Promise((r) => setTimeout(r, 100));
    c.p.kill('SIGTERM');
    await c.exited;

    assert.ok(kills >= ROUNDS, `killed ${kills} times`);
    assert.deepEqual(await readdir(join(dataDir, 'mail-spool', 'new')), [], `the spool is empty; the last process said: ${c.errors().slice(-3000)}`);
    const deps = await buildDeps({ config: config(), log: silentLogger });
    try {
      const inbox = await deps.db.selectFrom('inbox_items').select('filename').where('channel_id', '=', channelId).execute();
      const names = inbox.map((i) => i.filename).sort();
      assert.equal(names.length, answered.size, 'one inbox item per mail: none lost, none twice');
      assert.deepEqual(new Set(names), new Set([...answered].map((i) => `inv-${i}.pdf`)));
      const messages = await deps.db.selectFrom('mail_messages').select(['outcome']).where('channel_id', '=', channelId).execute();
      assert.equal(messages.length, answered.size);
    } finally {
      await deps.close();
    }
  });
});
