import { describe, expect, it } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Notifications } from '@mantine/notifications';
import { Route, Routes } from 'react-router-dom';
import { CompanyProvider } from '../src/api/company';
import { SessionProvider } from '../src/api/session';
import { NewChannelPage } from '../src/pages/collect/NewChannelPage';
import { ChannelPage } from '../src/pages/collect/ChannelPage';
import { mockApi, renderPage } from './render';

const company = { id: 'cmp_a', name: 'Acme BV', language: 'nl', timeZone: 'Europe/Brussels', createdAt: '2024-01-01T00:00:00Z' };
const ADDRESS = 'acme-purchases-7kq2mx@in.example.com';
const channel = (over: Record<string, unknown> = {}) => ({
  id: 'chn_m', companyId: 'cmp_a', name: 'Acme purchases', kind: 'email', folder: null, recipientId: 'usr_me', binderId: 'bnd_a', collectAt: '06:00',
  moveCollected: false, clientEmail: null, clientName: null, state: 'active', stateReason: null, lastRunId: null,
  createdAt: '2024-01-01T00:00:00Z', updatedAt: '2024-01-01T00:00:00Z', intakeAddress: ADDRESS, ...over,
});
const base = {
  'GET /v1/companies': () => ({ items: [company] }),
  'GET /v1/users/me': () => ({ id: 'usr_me', email: 'me@example.com', name: 'Me', role: 'member', rights: ['configure_collection'], createdAt: '2024-01-01T00:00:00Z' }),
  'GET /v1/session': () => ({ user: { id: 'usr_me', email: 'me@example.com', name: 'Me', role: 'member' }, organization: { id: 'org_a', name: 'Firm' }, via: 'session', csrfToken: 't' }),
};
const frame = (ui: React.ReactElement, path: string) => renderPage(
  <SessionProvider><CompanyProvider><Notifications /><Routes>
    <Route path="/collection/new" element={ui} />
    <Route path="/collection/:id" element={path.endsWith('/new') ? <p>channel page</p> : ui} />
  </Routes></CompanyProvider></SessionProvider>, path,
);

describe('collection by e-mail', () => {
  it('creates a channel by e-mail without a client to invite, with the chosen address, and says where mail goes', async () => {
    const calls = mockApi({
      ...base,
      'GET /v1/channel-recipients': () => ({ items: [{ id: 'usr_me', name: 'Me', email: 'me@example.com' }] }),
      'GET /v1/binders': () => ({ items: [{ id: 'bnd_a', companyId: 'cmp_a', name: 'Purchases', createdAt: '2024-01-01T00:00:00Z' }] }),
      'POST /v1/channels': () => [201, channel()],
    });
    const user = userEvent.setup({ delay: null });
    frame(<NewChannelPage />, '/collection/new');
    await user.click(await screen.findByLabelText('By e-mail'));
    expect(screen.queryByLabelText(/^Client's e-mail address/)).not.toBeInTheDocument();
    await user.type(screen.getByLabelText(/^Name\W*$/), 'Acme purchases');
    const mailbox = screen.getByLabelText(/^Address \(the part before @\)/);
    await user.type(mailbox, 'Acme+x');
    await user.click(screen.getByRole('button', { name: 'Create the channel' }));
    expect(await screen.findByText(/Use lower-case letters/)).toBeInTheDocument();
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
    await user.clear(mailbox);
    await user.type(mailbox, 'Acme-Purchases');
    await waitFor(() => expect(screen.getByRole('option', { name: 'Purchases' })).toBeInTheDocument());
    await user.click(screen.getByRole('button', { name: 'Create the channel' }));
    expect(await screen.findByText('channel page')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({
      companyId: 'cmp_a', kind: 'email', name: 'Acme purchases', recipientId: 'usr_me', collectAt: '06:00', moveCollected: false, binderId: 'bnd_a', mailbox: 'acme-purchases',
      mail: { allowList: [], others: 'hold' },
    });
    expect(await screen.findByText(`The channel "Acme purchases" is created. Mail sent to ${ADDRESS} is filed here.`)).toBeInTheDocument();
  });

  it('creates a channel that reads an IMAP mailbox, with its server, folder, senders and policy', async () => {
    const calls = mockApi({
      ...base,
      'GET /v1/channel-recipients': () => ({ items: [{ id: 'usr_me', name: 'Me', email: 'me@example.com' }] }),
      'GET /v1/binders': () => ({ items: [{ id: 'bnd_a', companyId: 'cmp_a', name: 'Purchases', createdAt: '2024-01-01T00:00:00Z' }] }),
      'POST /v1/channels': () => [201, channel({ intakeAddress: null, folder: 'Invoices' })],
    });
    const user = userEvent.setup({ delay: null });
    frame(<NewChannelPage />, '/collection/new');
    await user.click(await screen.findByLabelText('By e-mail'));
    await user.click(screen.getByLabelText('Dossier reads a mailbox you have (IMAP)'));
    expect(screen.queryByLabelText(/^Address \(the part before @\)/)).not.toBeInTheDocument();
    await user.type(screen.getByLabelText(/^Name\W*$/), 'Acme mailbox');
    await user.type(screen.getByLabelText(/^Senders whose documents are taken/), 'ap@supplier.example\nnot a sender');
    await user.click(screen.getByRole('button', { name: 'Create the channel' }));
    expect(await screen.findByText('Not an address or a domain: not, a, sender')).toBeInTheDocument();
    expect(screen.getAllByText('Fill this in.').length).toBe(3); // server, user name, password
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
    const senders = screen.getByLabelText(/^Senders whose documents are taken/);
    await user.clear(senders);
    await user.type(senders, 'ap@supplier.example\nAcme.example');
    await user.type(screen.getByLabelText(/^IMAP server/), 'imap.acme.example');
    await user.type(screen.getByLabelText(/^User name/), 'invoices@acme.example');
    await user.type(screen.getByLabelText(/^Password/), 'app-password');
    const folder = screen.getByLabelText(/^Folder/);
    await user.clear(folder);
    await user.type(folder, 'Invoices');
    await user.type(screen.getByLabelText(/^Move collected messages to/), 'Done');
    await user.selectOptions(screen.getByLabelText(/^Mail from other senders/), 'refuse');
    await waitFor(() => expect(screen.getByRole('option', { name: 'Purchases' })).toBeInTheDocument());
    await user.click(screen.getByRole('button', { name: 'Create the channel' }));
    expect(await screen.findByText('channel page')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({
      companyId: 'cmp_a', kind: 'email', name: 'Acme mailbox', recipientId: 'usr_me', collectAt: '06:00', moveCollected: false, binderId: 'bnd_a',
      settings: { host: 'imap.acme.example', port: 993, tls: true, username: 'invoices@acme.example', password: 'app-password', mailbox: 'Invoices' },
      mail: { allowList: ['ap@supplier.example', 'acme.example'], others: 'refuse', processed: { action: 'move', folder: 'Done' } },
    });
  });

  it('shows the channel\'s address with a copy button, no invitation, and nothing to run', async () => {
    mockApi({
      ...base,
      'GET /v1/channels/chn_m': () => ({ ...channel(), files: { pending: 0, failed: 0, collected: 3, duplicate: 0, gone: 0 }, invitation: null }),
      'GET /v1/channels/chn_m/runs': () => ({ items: [] }),
    });
    const user = userEvent.setup({ delay: null });
    frame(<ChannelPage />, '/collection/chn_m');
    expect(await screen.findByTestId('address')).toHaveTextContent(ADDRESS);
    expect(screen.queryByTestId('invitation')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Run now' })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Copy' }));
    expect(await navigator.clipboard.readText()).toBe(ADDRESS);
    expect(await screen.findByRole('button', { name: 'Copied' })).toBeInTheDocument();
  });

  it('lists held messages for a reviewer, lets one in and refuses another', async () => {
    let held = [
      { messageKey: 'mid:a@x', source: 'smtp', fromAddress: 'stranger@elsewhere.example', envelopeFrom: null, subject: 'Invoice A', sentAt: null, receivedAt: '2024-03-01T10:00:00Z', spf: 'pass', dkim: 'none', dmarc: 'none', outcome: 'held', detail: null },
      { messageKey: 'mid:b@x', source: 'smtp', fromAddress: 'other@elsewhere.example', envelopeFrom: null, subject: 'Invoice B', sentAt: null, receivedAt: '2024-03-01T11:00:00Z', spf: null, dkim: null, dmarc: null, outcome: 'held', detail: null },
    ];
    const calls = mockApi({
      ...base,
      'GET /v1/users/me': () => ({ id: 'usr_me', email: 'me@example.com', name: 'Me', role: 'member', rights: ['review_inbox'], createdAt: '2024-01-01T00:00:00Z' }),
      'GET /v1/channels/chn_m': () => ({ ...channel(), files: { pending: 0, failed: 0, collected: 0, duplicate: 0, gone: 0 }, invitation: null }),
      'GET /v1/channels/chn_m/runs': () => ({ items: [] }),
      'GET /v1/channels/chn_m/held': () => ({ items: held }),
      'POST /v1/channels/chn_m/held/release': ({ body }) => { held = held.filter((m) => m.messageKey !== (body as { messageKey: string }).messageKey); return { messageKey: 'mid:a@x', outcome: 'collected', detail: null, filed: 2 }; },
      'POST /v1/channels/chn_m/held/refuse': ({ body }) => { const m = held.find((x) => x.messageKey === (body as { messageKey: string }).messageKey)!; held = held.filter((x) => x !== m); return { ...m, outcome: 'refused' }; },
    });
    const user = userEvent.setup({ delay: null });
    frame(<ChannelPage />, '/collection/chn_m');
    expect(await screen.findByText('stranger@elsewhere.example')).toBeInTheDocument();
    expect(screen.getByText('SPF pass · DKIM none · DMARC none')).toBeInTheDocument();
    await user.click(screen.getAllByRole('button', { name: 'Let in' })[0]!);
    expect(await screen.findByText('Let in: 2 documents filed.')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByText('stranger@elsewhere.example')).not.toBeInTheDocument());
    await user.click(screen.getByRole('button', { name: 'Refuse' }));
    expect(await screen.findByText('Refused: nothing of it was kept.')).toBeInTheDocument();
    expect(await screen.findByText('No message is held.')).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'POST').map((c) => [c.path, c.body])).toEqual([
      ['/v1/channels/chn_m/held/release', { messageKey: 'mid:a@x' }], ['/v1/channels/chn_m/held/refuse', { messageKey: 'mid:b@x' }],
    ]);
  });

  it('does not show held messages to a user who does not review the inbox', async () => {
    mockApi({
      ...base,
      'GET /v1/channels/chn_m': () => ({ ...channel(), files: { pending: 0, failed: 0, collected: 0, duplicate: 0, gone: 0 }, invitation: null }),
      'GET /v1/channels/chn_m/runs': () => ({ items: [] }),
    });
    frame(<ChannelPage />, '/collection/chn_m');
    expect(await screen.findByTestId('address')).toBeInTheDocument();
    expect(screen.queryByTestId('held-messages')).not.toBeInTheDocument();
  });
});
