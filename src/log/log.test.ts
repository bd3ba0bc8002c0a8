import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from './log.js';
import { startCollectWorld } from '../../test/helpers/collect.js';

/** A logger at debug level whose lines are kept, as a log file would keep them. */
function capturing() {
  const lines: string[] = [];
  const stream = new Writable({ write(chunk: Buffer, _e, done) { lines.push(chunk.toString()); done(); } });
  return { log: createLogger('debug', stream), text: () => lines.join('') };
}

describe('credentials never reach the log', () => {
  it('keeps a client invitation link out of the log, while the outbox mail carries it', async () => {
    const { log, text } = capturing();
    const w = await startCollectWorld({ log });
    try {
      const channel = await w.channel({ kind: 'onedrive', clientEmail: 'client@example.com' });
      await w.deps.collect.invitations.send(w.orgId, channel.id, w.userId);
      const outbox = join(w.deps.config.dataDir, 'outbox');
      const tokens: string[] = [];
      for (const f of await readdir(outbox)) tokens.push(...((await readFile(join(outbox, f), 'utf8')).replace(/=\r?\n/g, '').match(/dci_[A-Za-z0-9_-]{43}/g) ?? []));
      assert.ok(tokens.length > 0, 'the mail holds the link');
      assert.match(text(), /mail written to the outbox/, 'the mail was logged');
      assert.match(text(), /\/connect\/dci_\[redacted\]/, 'with its link, token taken out');
      for (const t of tokens) assert.ok(!text().includes(t), 'no invitation token in the log');
      await w.deps.collect.invitations.view(tokens[0]!).catch(() => undefined);
      for (const t of tokens) assert.ok(!text().includes(t), 'not after opening the link either');
    } finally {
      await w.close();
    }
  });

  it('takes OAuth tokens out of fields, nested settings, headers, URLs, messages and errors', () => {
    const { log, text } = capturing();
    const access = 'ya29.A0ARrdaM-secret-access', refresh = '1//0g-secret-refresh', code = 'M.R3_BAY.secret-code', link = `dci_${'x'.repeat(43)}`;
    log.info({ accessToken: access, connection: { settings: { refreshToken: refresh } }, headers: { authorization: `Bearer ${access}` } }, 'token refreshed');
    log.info({ url: `https://dossier.example/v1/oauth/callback?code=${code}&state=abc&page=2` }, 'callback');
    log.warn({ err: new Error(`the client link https://x/connect/${link} failed`) }, `retrying with Bearer ${access}`);
    log.info(`the link https://dossier.example/connect/${link}?access_token=${access}`);
    const out = text();
    for (const secret of [access, refresh, code, link]) assert.ok(!out.includes(secret), `${secret} is not in the log`);
    assert.match(out, /state=\[redacted\]&page=2/, 'the state is taken out too; what is not a credential stays readable');
    assert.equal(out.trim().split('\n').length, 4, 'every line still written');
  });
});
