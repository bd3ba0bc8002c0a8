import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import nodemailer from 'nodemailer';
import { checkAuthentication } from './authentication.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PUBLIC_B64 = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');

/** DNS as a table: TXT records by name; any other name does not exist (ENOTFOUND). */
function tableResolver(txt: Record<string, string>) {
  return async (domain: string, rrtype: string) => {
    const record = txt[domain.toLowerCase()];
    if (rrtype === 'TXT' && record) return [[record]];
    throw Object.assign(new Error(`queryTxt ENOTFOUND ${domain}`), { code: 'ENOTFOUND' });
  };
}

const DNS = {
  'supplier.example': 'v=spf1 ip4:192.0.2.10 -all',
  'mail._domainkey.supplier.example': `v=DKIM1; k=rsa; p=${PUBLIC_B64}`,
  '_dmarc.supplier.example': 'v=DMARC1; p=reject',
};

/** A mail from supplier.example, DKIM-signed by nodemailer with the key DNS publishes. */
async function signedMail(body = 'Invoice attached.'): Promise<Buffer> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const info = await transport.sendMail({
    from: 'billing@supplier.example', to: 'acme-purchases-7kq2mx@in.example.com', subject: 'Invoice', text: body,
    dkim: { domainName: 'supplier.example', keySelector: 'mail', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
  });
  return info.message as Buffer;
}

const envelope = (remoteAddress: string) => ({ mailFrom: 'billing@supplier.example', remoteAddress, helo: 'mx.supplier.example' });

describe('SPF, DKIM and DMARC of received mail', () => {
  it('passes a signed mail from an address the domain\'s SPF lists', async () => {
    const r = await checkAuthentication(await signedMail(), envelope('192.0.2.10'), { mta: 'in.example.com', resolver: tableResolver(DNS) });
    assert.deepEqual(r, { spf: 'pass', dkim: 'pass', dmarc: 'pass' });
  });

  it('fails SPF for another address, DKIM for a changed body, and DMARC with both', async () => {
    const tampered = Buffer.from((await signedMail()).toString('utf8').replace('Invoice attached.', 'Pay to another account.'));
    const r = await checkAuthentication(tampered, { ...envelope('198.51.100.7'), helo: 'mx.elsewhere.example' }, { mta: 'in.example.com', resolver: tableResolver(DNS) });
    assert.deepEqual(r, { spf: 'fail', dkim: 'fail', dmarc: 'fail' });
  });

  it('says none for a domain that publishes nothing and a mail without a signature', async () => {
    const raw = Buffer.from('From: someone@quiet.example\r\nTo: x@in.example.com\r\nSubject: hi\r\n\r\nhello\r\n');
    const r = await checkAuthentication(raw, { mailFrom: 'someone@quiet.example', remoteAddress: '192.0.2.99', helo: 'quiet.example' }, { mta: 'in.example.com', resolver: tableResolver(DNS) });
    assert.deepEqual(r, { spf: 'none', dkim: 'none', dmarc: 'none' });
  });

  it('says temperror, within the time given, when DNS never answers', async () => {
    const never = () => new Promise<never>(() => {});
    const r = await checkAuthentication(await signedMail(), envelope('192.0.2.10'), { mta: 'in.example.com', resolver: never, lookupTimeoutMs: 100, totalTimeoutMs: 400 });
    assert.deepEqual(r, { spf: 'temperror', dkim: 'temperror', dmarc: 'temperror' });
  });
});
