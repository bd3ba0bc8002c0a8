import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/log/log.js';
import { buildDeps } from '../../src/main/deps.js';
import { bootstrapIfEmpty } from '../../src/auth/bootstrap.js';
import { ublInvoice } from '../helpers/collect.js';
import { TEST_LIMITS } from '../helpers/limits.js';
import { appendMessages, composeMail, dovecotSettings } from '../helpers/mail.js';
import { DOVECOT_MISSING, startDovecot, type TestDovecot } from '../servers/dovecot.js';

const child = fileURLToPath(new URL('./collect-child.ts', import.meta.url));
const dovecot = await startDovecot();

/** Runs the collecting child to its end, or SIGKILLs it `killAfterMs` after its run started. */
function runChild(dataDir: string, orgId: string, channelId: string, killAfterMs: number | null): Promise<{ finished: boolean }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, dataDir, orgId, channelId], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    let timer: NodeJS.Timeout | null = null;
    p.stdout.on('data', (d) => {
      out += d;
      if (killAfterMs !== null && !timer && out.includes('started')) timer = setTimeout(() => p.kill('SIGKILL'), killAfterMs);
    });
    p.stderr.on('data', (d) => { err += d; });
    p.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (signal === 'SIGKILL') resolve({ finished: false });
      else if (code === 0 && out.includes('finished')) resolve({ finished: true });
      else reject(new Error(`the collection process failed (${code}): ${err || out}`));
    });
  });
}

/** Messages `from`..`from+count-1`; every other one has two invoices attached, the rest one. */
async function messages(from: number, count: number): Promise<{ raws: Buffer[]; attachments: number }> {
  let attachments = 0;
  const raws = await Promise.all(Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const files = i % 2 === 0 ? [`${i}-a`, `${i}-b`] : [`${i}-a`];
    attachments += files.length;
    return composeMail({ messageId: `<crash-${i}@supplier.example>`, attachments: files.map((f) => ({ filename: `invoice-${f}.xml`, content: ublInvoice({ number: `MAIL-${f}` }) })) });
  }));
  return { raws, attachments };
}

describe('crash safety of collection by e-mail (Dovecot)', { skip: dovecot ? false : DOVECOT_MISSING }, () => {
  const d = dovecot as TestDovecot;
  let dataDir = '', orgId = '', channelId = '';
  const config = () => loadConfig({ DOSSIER_DATA_DIR: join(dataDir, 'data'), LOG_LEVEL: 'silent', ...TEST_LIMITS });
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'dossier-crash-mail-'));
    const deps = await buildDeps({ config: config(), log: silentLogger });
    const first = (await bootstrapIfEmpty(deps.db))!;
    orgId = first.orgId;
    const channel = await deps.collect.channels.create(orgId, first.userId, {
      companyId: first.companyId, name: 'Mail crash', kind: 'email', settings: dovecotSettings(d), mail: { others: 'accept' },
      recipientId: first.userId, binderName: 'Purchases', collectAt: '06:00', moveCollected: false,
    });
    channelId = channel.id;
    await deps.close();
  });
  after(async () => { await rm(dataDir, { recursive: true, force: true }); await d?.stop(); });

  it('collects 200 messages with 300 attachments once though killed three times, then exactly the 10 new ones', async () => {
    const firstBatch = [...(await messages(0, 100)).raws, ...(await messages(100, 100)).raws];
    assert.equal(firstBatch.length, 200);
    await appendMessages(d, firstBatch);
    const counts = async () => {
      const deps = await buildDeps({ config: config(), log: silentLogger });
      try {
        const inbox = await deps.db.selectFrom('inbox_items').select(['sha256']).where('channel_id', '=', channelId).execute();
        const documents = await deps.db.selectFrom('documents').select('id').execute();
        const ledger = await deps.db.selectFrom('channel_items').selectAll().where('channel_id', '=', channelId).execute();
        const mails = await deps.db.selectFrom('mail_messages').select(['outcome']).where('channel_id', '=', channelId).execute();
        const runs = await deps.collect.runs.list(orgId, channelId, 100);
        return { inbox: inbox.length, distinct: new Set(inbox.map((i) => i.sha256)).size, documents: documents.length, ledger, mails, runs };
      } finally {
        await deps.close();
      }
    };
    let kills = 0;
    for (let attempt = 0; kills < 3 && attempt < 10; attempt++) {
      const { finished } = await runChild(join(dataDir, 'data'), orgId, channelId, 300 + Math.floor(Math.random() * 900));
      if (finished) break;
      kills++;
    }
    assert.equal(kills, 3, 'the process was killed three times during the first pass');
    assert.ok((await runChild(join(dataDir, 'data'), orgId, channelId, null)).finished);
    const firstPass = await counts();
    assert.equal(firstPass.inbox, 300, 'one inbox item per attachment: none lost, none twice');
    assert.equal(firstPass.distinct, 300);
    assert.equal(firstPass.documents, 300, 'no document without its inbox item');
    assert.equal(firstPass.mails.length, 200, 'every message recorded once');
    assert.ok(firstPass.ledger.every((r) => r.state === 'collected' && r.claim_owner === null));
    assert.ok(firstPass.runs.filter((r) => r.status === 'interrupted').length >= 3, 'the killed runs show as interrupted');

    const later = await messages(200, 10);
    await appendMessages(d, later.raws);
    assert.ok((await runChild(join(dataDir, 'data'), orgId, channelId, null)).finished);
    const secondPass = await counts();
    assert.equal(secondPass.inbox, 300 + later.attachments, 'exactly the new attachments are filed');
    assert.equal(secondPass.distinct, 300 + later.attachments);
    assert.equal(secondPass.mails.length, 210);
    const last = secondPass.runs[0]!;
    assert.deepEqual([last.status, last.found, last.collected], ['done', later.attachments, later.attachments]);
  });
});
