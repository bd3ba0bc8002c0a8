import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApi, type Api } from '../harness.test.js';

describe('e-mail channels with an address of their own, through the API', () => {
  let api: Api;
  let withoutSmtp: Api;
  let adminId = '';
  const body = (over: Record<string, unknown>) => ({ companyId: api.companyId, name: 'Acme purchases', kind: 'email', recipientId: adminId, binderName: 'Purchases', ...over });
  before(async () => {
    api = await startApi({ env: { DOSSIER_SMTP_INBOUND: '127.0.0.1:0', DOSSIER_SMTP_DOMAIN: 'in.example.com' } });
    withoutSmtp = await startApi();
    adminId = (await api.call({ method: 'GET', url: '/v1/users/me' })).json().id;
  });
  after(async () => { await api?.close(); await withoutSmtp?.close(); });

  it('gives the chosen address, shows it on the channel and in the list, and refuses it to a second channel (409)', async () => {
    const created = await api.call({ method: 'POST', url: '/v1/channels', payload: body({ mailbox: 'Acme-Purchases' }) });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(created.json().intakeAddress, 'acme-purchases@in.example.com');
    assert.equal(created.json().state, 'active');
    const detail = (await api.call({ method: 'GET', url: `/v1/channels/${created.json().id}` })).json();
    assert.equal(detail.intakeAddress, 'acme-purchases@in.example.com');
    const list = (await api.call({ method: 'GET', url: '/v1/channels' })).json().items;
    assert.equal(list.find((c: { id: string }) => c.id === created.json().id).intakeAddress, 'acme-purchases@in.example.com');
    const again = await api.call({ method: 'POST', url: '/v1/channels', payload: body({ name: 'Other', mailbox: 'acme-purchases' }) });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().error.code, 'conflict');
  });

  it('makes an address from the name when none is chosen, and refuses one that cannot be an address', async () => {
    const made = await api.call({ method: 'POST', url: '/v1/channels', payload: body({ name: 'Café Zoë – Achats' }) });
    assert.equal(made.statusCode, 201, made.body);
    assert.match(made.json().intakeAddress, /^cafe-zoe-achats-[a-z2-9]{6}@in\.example\.com$/);
    const wrong = await api.call({ method: 'POST', url: '/v1/channels', payload: body({ mailbox: 'in+acme' }) });
    assert.equal(wrong.statusCode, 400);
    assert.equal(wrong.json().error.code, 'invalid_input');
  });

  it('says, where Dossier receives no mail itself, to give an IMAP mailbox instead', async () => {
    const me = (await withoutSmtp.call({ method: 'GET', url: '/v1/users/me' })).json().id;
    const res = await withoutSmtp.call({ method: 'POST', url: '/v1/channels', payload: { companyId: withoutSmtp.companyId, name: 'X', kind: 'email', recipientId: me, binderName: 'Purchases' } });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().error.message, /DOSSIER_SMTP_INBOUND/);
  });
});
