import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Notifications } from '@mantine/notifications';
import { Route, Routes } from 'react-router-dom';
import { CompanyProvider } from '../src/api/company';
import { SessionProvider } from '../src/api/session';
import { ChannelsPage } from '../src/pages/collect/ChannelsPage';
import { NewChannelPage } from '../src/pages/collect/NewChannelPage';
import { ChannelPage } from '../src/pages/collect/ChannelPage';
import { InvitationPage } from '../src/pages/collect/InvitationPage';
import { FakeEventSource, mockApi, renderPage, type Call } from './render';

const company = { id: 'cmp_a', name: 'Acme BV', language: 'nl', timeZone: 'Europe/Brussels', createdAt: '2024-01-01T00:00:00Z' };
const me = (rights: string[]) => ({ id: 'usr_me', email: 'me@example.com', name: 'Me', role: 'member', rights, createdAt: '2024-01-01T00:00:00Z' });
const channel = (over: Record<string, unknown> = {}) => ({
  id: 'chn_a', companyId: 'cmp_a', name: 'Anna OneDrive', kind: 'onedrive', folder: null, recipientId: 'usr_me', binderId: 'bnd_a', collectAt: '06:00',
  moveCollected: false, clientEmail: 'anna@example.com', clientName: 'Anna', state: 'waiting_for_client', stateReason: null, lastRunId: null,
  createdAt: '2024-01-01T00:00:00Z', updatedAt: '2024-01-01T00:00:00Z', ...over,
});
const detail = (over: Record<string, unknown> = {}) => ({
  ...channel(over), files: { pending: 0, failed: 0, collected: 0, duplicate: 0, gone: 0 },
  invitation: { sentTo: 'anna@example.com', sentAt: '2024-01-02T08:00:00Z', expiresAt: '2099-01-09T08:00:00Z', purpose: 'connect', connectedAt: null, usedAt: null },
});
const frame = (ui: React.ReactElement, path: string) => renderPage(
  <SessionProvider><CompanyProvider><Notifications /><Routes>
    <Route path="/collection" element={<ChannelsPage />} />
    <Route path="/collection/new" element={ui} />
    <Route path="/collection/:id" element={path.endsWith('/new') ? <p>channel page</p> : ui} />
  </Routes></CompanyProvider></SessionProvider>, path,
);
const base = (rights: string[]) => ({
  'GET /v1/companies': () => ({ items: [company] }),
  'GET /v1/users/me': () => me(rights),
  'GET /v1/session': () => ({ user: { id: 'usr_me', email: 'me@example.com', name: 'Me', role: 'member' }, organization: { id: 'org_a', name: 'Firm' }, via: 'session', csrfToken: 't' }),
});

describe('collection channels', () => {
  it('shows "New channel" only to a user with the right to configure collection', async () => {
    mockApi({ ...base(['review_inbox']), 'GET /v1/channels': () => ({ items: [channel()] }) });
    const { unmount } = frame(<ChannelsPage />, '/collection');
    expect(await screen.findByRole('link', { name: 'Anna OneDrive' })).toBeInTheDocument();
    expect(screen.getByText('Waiting for the client')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'New channel' })).not.toBeInTheDocument();
    unmount();
    mockApi({ ...base(['configure_collection']), 'GET /v1/channels': () => ({ items: [channel()] }) });
    frame(<ChannelsPage />, '/collection');
    expect(await screen.findByRole('link', { name: 'New channel' })).toHaveAttribute('href', '/collection/new');
  });

  it('creates a channel with a new binder, the chosen recipient and time, and the client to invite; says what is missing first', async () => {
    const calls = mockApi({
      ...base(['configure_collection']),
      'GET /v1/channel-recipients': () => ({ items: [{ id: 'usr_me', name: 'Me', email: 'me@example.com' }, { id: 'usr_b', name: 'Bea', email: 'bea@example.com' }] }),
      'GET /v1/binders': () => ({ items: [] }),
      'POST /v1/channels': ({ body }) => [201, channel(body as Record<string, unknown>)],
    });
    const user = userEvent.setup({ delay: null });
    frame(<NewChannelPage />, '/collection/new');
    await user.click(await screen.findByRole('button', { name: 'Create the channel' }));
    expect(screen.getAllByText('Fill this in.').length).toBe(3);
    expect(calls.some((c) => c.method === 'POST')).toBe(false);

    await user.click(screen.getByLabelText('Dropbox'));
    await user.type(screen.getByLabelText(/^Name\W*$/), 'Bea Dropbox');
    await waitFor(() => expect(screen.getByRole('option', { name: 'Bea (bea@example.com)' })).toBeInTheDocument());
    await user.selectOptions(screen.getByLabelText(/^Recipient/), 'usr_b');
    await user.type(screen.getByLabelText(/^Name of the new binder/), 'Purchases');
    await user.type(screen.getByLabelText(/^Client's e-mail address/), 'client@example.com');
    const time = screen.getByLabelText(/^Daily collection time/);
    await user.clear(time);
    await user.type(time, '07:45');
    await user.click(screen.getByRole('button', { name: 'Create the channel' }));
    expect(await screen.findByText('channel page')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({
      companyId: 'cmp_a', kind: 'dropbox', name: 'Bea Dropbox', recipientId: 'usr_b', collectAt: '07:45', moveCollected: false, binderName: 'Purchases', clientEmail: 'client@example.com',
    });
  });

  it('shows the invitation waiting, sends it again, runs now only after confirming, and follows the run live', async () => {
    let state = 'waiting_for_client';
    let runs: unknown[] = [];
    const calls = mockApi({
      ...base(['configure_collection']),
      'GET /v1/channels/chn_a': () => detail({ state }),
      'GET /v1/channels/chn_a/runs': () => ({ items: runs }),
      'POST /v1/channels/chn_a/invite': () => [202, { invitationId: 'inv_2', sentTo: 'anna@example.com', expiresAt: '2099-01-01T00:00:00Z' }],
      'POST /v1/channels/chn_a/run': () => [202, { runId: 'crn_1', message: 'The collection of "Anna OneDrive" was started.' }],
      'GET /v1/collect-runs/crn_1': () => ({ run: runs[0], items: [{ id: 1, key: 'k', path: 'Invoices/a.xml', outcome: 'collected', inboxItemId: 'inb_1', error: null, at: '2024-01-03T06:00:00Z' }], next: null }),
    });
    globalThis.EventSource = FakeEventSource as unknown as typeof EventSource;
    const user = userEvent.setup({ delay: null });
    frame(<ChannelPage />, '/collection/chn_a');
    expect(await screen.findByRole('heading', { name: 'Anna OneDrive' })).toBeInTheDocument();
    expect(screen.getByTestId('invitation')).toHaveTextContent('Waiting for the client: sent to anna@example.com');
    expect(screen.getByRole('button', { name: 'Run now' })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Send again' }));
    const asked = await screen.findByRole('dialog', { name: 'Send the client an e-mail?' });
    expect(asked).toHaveTextContent('Dossier e-mails anna@example.com a new link to connect the folder');
    await user.click(within(asked).getByRole('button', { name: 'Send' }));
    expect(await screen.findByText('A new link is sent to anna@example.com; the previous one no longer works.')).toBeInTheDocument();

    state = 'active';
    const source = FakeEventSource.last!;
    expect(source.url).toBe('/v1/events?channelId=chn_a');
    source.emit('collect.finished', { channelId: 'chn_a', runId: 'crn_0', status: 'done', found: 0, collected: 0, failed: 0 });
    await waitFor(() => expect(screen.getByRole('button', { name: 'Run now' })).toBeEnabled());
    await user.click(screen.getByRole('button', { name: 'Run now' }));
    const dialog = await screen.findByRole('dialog', { name: 'Run the collection now?' });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    const posted = (c: Call) => c.method === 'POST' && c.path === '/v1/channels/chn_a/run';
    expect(calls.some(posted)).toBe(false);
    await user.click(screen.getByRole('button', { name: 'Run now' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Run' }));
    expect(await screen.findByText('The collection of "Anna OneDrive" was started.')).toBeInTheDocument();
    expect(calls.find(posted)!.body).toEqual({ confirm: true });

    source.emit('collect.started', { channelId: 'chn_a', runId: 'crn_1' });
    source.emit('collect.progress', { channelId: 'chn_a', runId: 'crn_1', found: 4, collected: 1, failed: 1 });
    expect(screen.getByTestId('live-progress')).toHaveTextContent('Collecting: 4 found, 1 filed, 1 failed');
    expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '50');
    runs = [{ id: 'crn_1', channelId: 'chn_a', trigger: 'manual', startedBy: 'usr_me', status: 'done', queuedAt: '2024-01-03T06:00:00Z', startedAt: '2024-01-03T06:00:00Z', finishedAt: '2024-01-03T06:01:00Z', found: 1, collected: 1, skipped: 0, duplicates: 0, failed: 0, error: null }];
    source.emit('collect.finished', { channelId: 'chn_a', runId: 'crn_1', status: 'done', found: 1, collected: 1, failed: 0 });
    await user.click(await screen.findByRole('button', { name: /By hand/ }));
    const files = await screen.findByRole('table', { name: 'Files of this run' });
    expect(files).toHaveTextContent('Invoices/a.xml');
    expect(files).toHaveTextContent('Collected');
    expect(screen.getByText('Nothing is being collected right now.')).toBeInTheDocument();
  });

  it('changes a channel\'s recipient, binder and time from its page', async () => {
    let saved = detail({ state: 'active' });
    const calls = mockApi({
      ...base(['configure_collection']),
      'GET /v1/channels/chn_a': () => saved,
      'GET /v1/channels/chn_a/runs': () => ({ items: [] }),
      'GET /v1/channel-recipients': () => ({ items: [{ id: 'usr_me', name: 'Me', email: 'me@example.com' }, { id: 'usr_b', name: 'Bea', email: 'bea@example.com' }] }),
      'GET /v1/binders': () => ({ items: [{ id: 'bnd_a', companyId: 'cmp_a', name: 'Purchases', createdAt: '2024-01-01T00:00:00Z' }, { id: 'bnd_b', companyId: 'cmp_a', name: 'Receipts', createdAt: '2024-01-01T00:00:00Z' }] }),
      'PATCH /v1/channels/chn_a': ({ body }) => { saved = { ...saved, ...(body as object) }; return saved; },
    });
    const user = userEvent.setup({ delay: null });
    frame(<ChannelPage />, '/collection/chn_a');
    await user.click(await screen.findByRole('button', { name: 'Edit' }));
    const dialog = await screen.findByRole('dialog', { name: 'Change the channel' });
    expect(within(dialog).queryByLabelText('OneDrive')).not.toBeInTheDocument();
    await waitFor(() => expect(within(dialog).getByRole('option', { name: 'Receipts' })).toBeInTheDocument());
    await user.selectOptions(within(dialog).getByLabelText(/^Recipient/), 'usr_b');
    await user.selectOptions(within(dialog).getByLabelText(/^Binder/), 'bnd_b');
    const time = within(dialog).getByLabelText(/^Daily collection time/);
    await user.clear(time);
    await user.type(time, '18:15');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('The changes are saved.')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'PATCH')!.body).toEqual({
      name: 'Anna OneDrive', recipientId: 'usr_b', collectAt: '18:15', moveCollected: false, binderId: 'bnd_b', clientEmail: 'anna@example.com', clientName: 'Anna',
    });
    await waitFor(() => expect(screen.getByText(/Daily collection time: 18:15/)).toBeInTheDocument());
  });

  it('hides the changes from a user without the right', async () => {
    mockApi({ ...base(['review_inbox']), 'GET /v1/channels/chn_a': () => detail({ state: 'active' }), 'GET /v1/channels/chn_a/runs': () => ({ items: [] }) });
    frame(<ChannelPage />, '/collection/chn_a');
    expect(await screen.findByText(/You may see the channels, but not change them/)).toBeInTheDocument();
    for (const name of ['Run now', 'Send again', 'Pause', 'Edit', 'Remove channel']) expect(screen.queryByRole('button', { name })).not.toBeInTheDocument();
  });
});

describe('the client\'s invitation page', () => {
  const renderInvite = () => renderPage(<Routes><Route path="/invite/:token" element={<InvitationPage />} /></Routes>, '/invite/dci_x');
  const view = (step: string) => ({ channel: { name: 'Anna OneDrive', kind: 'onedrive', company: 'Acme BV', title: 'OneDrive', folder: null, moveCollected: false }, step, purpose: 'connect', expiresAt: '2099-01-01T00:00:00Z' });

  it('after the consent, browses the account\'s folders and collects from the one chosen', async () => {
    const calls = mockApi({
      'GET /v1/invitations/dci_x': () => view('choose_folder'),
      'GET /v1/invitations/dci_x/folders': ({ query }) => (query.get('path') === '' ? { path: '', folders: [{ name: 'Invoices', path: 'Invoices' }] } : { path: 'Invoices', folders: [] }),
      'POST /v1/invitations/dci_x/folder': () => ({ channel: 'Anna OneDrive', state: 'active' }),
    });
    const user = userEvent.setup({ delay: null });
    renderInvite();
    expect(await screen.findByRole('heading', { name: 'Connect your OneDrive folder' })).toBeInTheDocument();
    expect(screen.getByText(/nothing in it is changed or deleted/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Collect from this folder' })).toBeDisabled();
    expect(await screen.findByRole('button', { name: 'OneDrive' })).toBeInTheDocument();
    await user.click(await screen.findByRole('button', { name: 'Invoices' }));
    await user.click(screen.getByRole('button', { name: 'Select current folder' }));
    await user.click(screen.getByRole('button', { name: 'Collect from this folder' }));
    // The client reads the company's name, never the firm's internal name of the channel; the top is the provider's name.
    expect(await screen.findByText(/the documents in this folder are now collected for Acme BV/)).toBeInTheDocument();
    expect(screen.queryByText(/Anna OneDrive/)).toBeNull();
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ path: 'Invoices' });
  });

  it('says why after a declined consent, and offers to connect again', async () => {
    mockApi({ 'GET /v1/invitations/dci_x': () => view('connect') });
    const why = 'OneDrive access was declined: nothing was connected. Start again and choose Allow to connect.';
    renderPage(<Routes><Route path="/invite/:token" element={<InvitationPage />} /></Routes>, `/invite/dci_x?error=${encodeURIComponent(why)}`);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Not connected');
    expect(alert).toHaveTextContent(why);
    expect(await screen.findByRole('button', { name: 'Connect OneDrive' })).toBeEnabled();
  });

  it('asks an SFTP client for the server, and says plainly when a link no longer works', async () => {
    const calls = mockApi({
      'GET /v1/invitations/dci_x': () => ({ ...view('connect'), channel: { ...view('connect').channel, kind: 'sftp', title: 'SFTP server' } }),
      'POST /v1/invitations/dci_x/server': () => [400, { error: { code: 'invalid_input', message: 'The server refused the password.' } }],
    });
    const user = userEvent.setup({ delay: null });
    const { unmount } = renderInvite();
    await user.type(await screen.findByLabelText(/^Server/), 'nas.example.com');
    await user.type(screen.getByLabelText(/^User name/), 'anna');
    await user.type(screen.getByLabelText(/^Password/), 'secret');
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    expect(await screen.findByText('The server refused the password.')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ settings: { host: 'nas.example.com', port: 22, username: 'anna', password: 'secret' } });
    unmount();
    mockApi({ 'GET /v1/invitations/dci_x': () => [409, { error: { code: 'conflict', message: 'This link has expired. Ask your accountant to send a new one.' } }] });
    renderInvite();
    expect(await screen.findByRole('heading', { name: 'This link does not work' })).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('This link has expired.');
  });
});
