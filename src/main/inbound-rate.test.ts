import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCollectWorld, type CollectWorld } from '../../test/helpers/collect.js';
import { sendMail } from '../../test/helpers/inbound-smtp.js';
import { tinyPdf } from '../../test/helpers/mail.js';
import { updateChannel } from '../catalog/channels.js';
import { takeRate } from '../catalog/smtp-rates.js';
import { DEFAULT_MAIL_OPTIONS } from '../domain/channels.js';
import type { InboundSmtp } from '../mail/inbound/listener.js';
import { startInboundMail } from './inbound-mail.js';

/**
 * The inbound SMTP limits hold across listeners: two listeners on one database (as two
 * processes behind the MX would be) let a sender through as many times an hour as the limit
 * says, together, and a listener started later (a restart) still counts what came before.
 */
const resolver = async (domain: string) => { throw Object.assign(new Error(`ENOTFOUND ${domain}`), { code: 'ENOTFOUND' }); };
const codeOf = async (p: Promise<unknown>) => p.then(() => 250, (e: { responseCode?: number; rejectedErrors?: Array<{ responseCode?: number }> }) => e.rejectedErrors?.[0]?.responseCode ?? e.responseCode ?? null);

for (const postgres of [false, true]) {
  describe(`inbound SMTP rate limits shared by listeners (${postgres ? 'PostgreSQL' : 'SQLite'})`, () => {
    let w: CollectWorld;
    const listeners: InboundSmtp[] = [];
    let address = '';
    before(async () => {
      w = await startCollectWorld({
        postgres, readDocuments: false,
        env: { DOSSIER_SMTP_INBOUND: '127.0.0.1:0', DOSSIER_SMTP_DOMAIN: 'in.example.com', DOSSIER_SMTP_CLIENT_RATE_PER_HOUR: '3', DOSSIER_SMTP_ADDRESS_RATE_PER_HOUR: '1000' },
      });
      for (let i = 0; i < 2; i++) listeners.push((await startInboundMail(w.deps, { resolver }))!);
      const channel = await w.channel({ kind: 'email', name: 'Rated' });
      await updateChannel(w.deps.db, w.orgId, channel.id, { options: { mail: { ...DEFAULT_MAIL_OPTIONS, others: 'accept' } } });
      address = (await w.deps.collect.channels.intakeAddress(w.orgId, channel.id))!;
    });
    after(async () => { for (const l of listeners) await l.close(); await w?.close(); });

    const send = (l: InboundSmtp, n: number) => codeOf(sendMail({ port: l.port, to: address, subject: `n${n}`, attachments: [{ filename: `n${n}.pdf`, content: tinyPdf(`rate ${n}`) }] }));

    it('lets a sender through the limit once across two listeners, and a restarted listener still counts', async () => {
      const [a, b] = listeners as [InboundSmtp, InboundSmtp];
      assert.notEqual(a.port, b.port);
      // Each listener alone is under the limit of 3; together they are over it.
      const codes = [await send(a, 1), await send(b, 2), await send(a, 3), await send(b, 4), await send(a, 5)];
      assert.deepEqual(codes, [250, 250, 250, 451, 451]);
      // Filed first: a listener that starts hands on whatever it finds in the data folder's spool.
      for (const l of listeners) await l.idle();
      const restarted = (await startInboundMail(w.deps, { resolver }))!;
      listeners.push(restarted);
      assert.equal(await send(restarted, 6), 451);
      for (const l of listeners) await l.idle();
    });

    it('takes exactly the limit when many processes take at once', async () => {
      const results = await Promise.all(Array.from({ length: 20 }, () => takeRate(w.deps.db, 'client', '192.0.2.7', 5, 3_600_000)));
      assert.equal(results.filter(Boolean).length, 5);
      // The next hour starts again.
      assert.equal(await takeRate(w.deps.db, 'client', '192.0.2.7', 5, 3_600_000, Date.now() + 3_600_000), true);
    });
  });
}
