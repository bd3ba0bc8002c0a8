import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import { CompanyProvider } from '../src/api/company';
import { SessionProvider } from '../src/api/session';
import { IntegrationsPage } from '../src/pages/IntegrationsPage';
import { ChannelsPage } from '../src/pages/collect/ChannelsPage';
import { NewChannelPage } from '../src/pages/collect/NewChannelPage';
import { mockApi, renderPage } from './render';

const company = { id: 'cmp_a', name: 'Acme BV', language: 'nl', timeZone: 'Europe/Brussels', createdAt: '2024-01-01T00:00:00Z' };
const destination = (id: string, kind: string, state: string) => ({
  id, companyId: 'cmp_a', name: `${kind} backup`, kind, layout: 'company-year-type', startDate: null, schedule: 'continuous', restoreDeleted: true,
  respectFolderDeletions: false, state, stateReason: null, lastRunId: null, createdAt: '2024-01-01T00:00:00Z', updatedAt: '2024-01-01T00:00:00Z',
});

const channel = (id: string, kind: string, state: string) => ({
  id, companyId: 'cmp_a', name: `${kind} ${id}`, kind, folder: null, recipientId: 'usr_me', binderId: 'bnd_a', collectAt: '06:00', moveCollected: false,
  clientEmail: 'anna@example.com', clientName: 'Anna', state, stateReason: null, lastRunId: null, createdAt: '2024-01-01T00:00:00Z', updatedAt: '2024-01-01T00:00:00Z',
});
const me = (rights: string[]) => ({ id: 'usr_me', email: 'me@example.com', name: 'Me', role: 'member', rights, createdAt: '2024-01-01T00:00:00Z' });
/** One sandbox OneDrive provider, no Google or Dropbox; an SFTP channel that runs and a WebDAV pair, one of which needs attention. */
const collectionServer = (rights: string[]) => ({
  'GET /v1/companies': () => ({ items: [company] }),
  'GET /v1/users/me': () => me(rights),
  'GET /v1/session': () => ({ user: { id: 'usr_me', email: 'me@example.com', name: 'Me', role: 'member' }, organization: { id: 'org_a', name: 'Firm' }, via: 'session', csrfToken: 't' }),
  'GET /v1/destination-kinds': () => ({ items: [] }),
  'GET /v1/providers': () => ({ items: [{ id: 'onedrive-sandbox', kind: 'onedrive', title: 'OneDrive (sandbox)', sandbox: true, scopes: [] }] }),
  'GET /v1/destinations': () => ({ items: [] }),
  'GET /v1/channels': () => ({ items: [channel('chn_s', 'sftp', 'active'), channel('chn_w1', 'webdav', 'paused'), channel('chn_w2', 'webdav', 'needs_attention'), channel('chn_w3', 'webdav', 'active'), channel('chn_o', 'onedrive', 'removed')] }),
  'GET /v1/channel-recipients': () => ({ items: [{ id: 'usr_me', name: 'Me', email: 'me@example.com' }] }),
  'GET /v1/binders': () => ({ items: [{ id: 'bnd_a', companyId: 'cmp_a', name: 'Purchases', createdAt: '2024-01-01T00:00:00Z' }] }),
});
const collectionCard = async (kind: string) => within(await screen.findByTestId(`collection-${kind}`));

describe('Apps & integrations', () => {
  it('shows one card per backup integration with its state and what can be done', async () => {
    mockApi({
      'GET /v1/companies': () => ({ items: [company] }),
      'GET /v1/destination-kinds': () => ({ items: ['local', 'sftp', 'webdav', 'onedrive', 'dropbox'].map((kind) => ({ kind, title: kind, secrets: [], settings: {} })) }),
      'GET /v1/providers': () => ({ items: [{ id: 'onedrive-sandbox', kind: 'onedrive', title: 'OneDrive (sandbox)', sandbox: true, scopes: [] }] }),
      'GET /v1/destinations': () => ({ items: [destination('dst_s', 'sftp', 'active'), destination('dst_w', 'webdav', 'needs_attention'), destination('dst_x', 'local', 'removed')] }),
      'GET /v1/channels': () => ({ items: [] }),
    });
    renderPage(<CompanyProvider><IntegrationsPage /></CompanyProvider>);

    const onedrive = await screen.findByTestId('integration-onedrive');
    expect(within(onedrive).getByText('Not set up')).toBeInTheDocument();
    expect(within(onedrive).getByText('Sandbox')).toBeInTheDocument();
    expect(within(onedrive).getByRole('link', { name: 'Activate: OneDrive' })).toHaveAttribute('href', '/destinations/new?kind=onedrive');

    const sftp = screen.getByTestId('integration-sftp');
    expect(within(sftp).getByText('Active')).toBeInTheDocument();
    expect(within(sftp).getByRole('link', { name: 'Configure' })).toHaveAttribute('href', '/destinations/dst_s');
    expect(within(sftp).getByRole('link', { name: 'Add another' })).toHaveAttribute('href', '/destinations/new?kind=sftp');

    expect(within(screen.getByTestId('integration-webdav')).getByText('Needs attention')).toBeInTheDocument();
    // A removed destination does not count; Google Drive and Dropbox have no provider here.
    expect(within(screen.getByTestId('integration-local')).getByText('Not set up')).toBeInTheDocument();
    for (const kind of ['gdrive', 'dropbox']) {
      const card = screen.getByTestId(`integration-${kind}`);
      expect(within(card).getByText('Not available here')).toBeInTheDocument();
      expect(within(card).queryByRole('link')).not.toBeInTheDocument();
    }
    expect(screen.getByText(/Every document of Acme BV/)).toBeInTheDocument();
  });

  it('shows one collection card per source with its channels\' worst state, and Activate and Configure to who may configure collection', async () => {
    mockApi(collectionServer(['configure_collection']));
    renderPage(<CompanyProvider><IntegrationsPage /></CompanyProvider>);

    const onedrive = await collectionCard('onedrive');
    // The removed OneDrive channel does not count.
    expect(onedrive.getByText('Not set up')).toBeInTheDocument();
    expect(onedrive.getByText('Sandbox')).toBeInTheDocument();
    expect(await onedrive.findByRole('link', { name: 'Activate: Collect documents from OneDrive' })).toHaveAttribute('href', '/collection/new?kind=onedrive');

    const webdav = await collectionCard('webdav');
    expect(webdav.getByText('Needs attention')).toBeInTheDocument();
    expect(webdav.getByText('3 channels')).toBeInTheDocument();
    expect(webdav.getByRole('link', { name: 'Configure: Collect documents from WebDAV' })).toHaveAttribute('href', '/collection?kind=webdav');
    expect(webdav.getByRole('link', { name: 'Add another: Collect documents from WebDAV' })).toHaveAttribute('href', '/collection/new?kind=webdav');

    const sftp = await collectionCard('sftp');
    expect(sftp.getByText('Active')).toBeInTheDocument();
    expect(sftp.getByText('1 channel')).toBeInTheDocument();

    for (const kind of ['gdrive', 'dropbox']) {
      const card = await collectionCard(kind);
      expect(card.getByText('Not available here')).toBeInTheDocument();
      expect(card.queryByRole('link')).not.toBeInTheDocument();
    }
    expect(screen.queryByTestId('collection-local')).not.toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Collect documents from' })).toBeInTheDocument();
  });

  it('shows a user without the right to configure collection the state only', async () => {
    const calls = mockApi(collectionServer(['review_inbox']));
    renderPage(<CompanyProvider><IntegrationsPage /></CompanyProvider>);
    const webdav = await collectionCard('webdav');
    expect(webdav.getByText('Needs attention')).toBeInTheDocument();
    const onedrive = await collectionCard('onedrive');
    expect(onedrive.getByText('Not set up')).toBeInTheDocument();
    // Once the rights have come back (a moment to render them), still no link on any collection card.
    await waitFor(() => expect(calls.some((c) => c.path === '/v1/users/me')).toBe(true));
    await new Promise((r) => setTimeout(r, 100));
    for (const kind of ['onedrive', 'gdrive', 'dropbox', 'sftp', 'webdav']) expect(within(screen.getByTestId(`collection-${kind}`)).queryByRole('link')).not.toBeInTheDocument();
  });

  it('Add another opens the new-channel form with that source chosen', async () => {
    mockApi(collectionServer(['configure_collection']));
    renderPage(<SessionProvider><CompanyProvider><Routes>
      <Route path="/integrations" element={<IntegrationsPage />} />
      <Route path="/collection/new" element={<NewChannelPage />} />
    </Routes></CompanyProvider></SessionProvider>, '/integrations');

    await userEvent.click(await (await collectionCard('sftp')).findByRole('link', { name: 'Add another: Collect documents from SFTP server' }));
    expect(await screen.findByRole('radio', { name: 'SFTP server' })).toBeChecked();
    expect(screen.getByRole('radio', { name: 'OneDrive' })).not.toBeChecked();
  });

  it('Configure lists only the channels of that source', async () => {
    mockApi(collectionServer(['configure_collection']));
    renderPage(<CompanyProvider><Routes>
      <Route path="/integrations" element={<IntegrationsPage />} />
      <Route path="/collection" element={<ChannelsPage />} />
    </Routes></CompanyProvider>, '/integrations');

    await userEvent.click(await (await collectionCard('webdav')).findByRole('link', { name: 'Configure: Collect documents from WebDAV' }));
    expect(await screen.findByRole('link', { name: 'webdav chn_w1' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'webdav chn_w3' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'sftp chn_s' })).not.toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'New channel' })).toHaveAttribute('href', '/collection/new?kind=webdav');
    expect(screen.getByTestId('kind-filter')).toHaveTextContent('Only the WebDAV channels are shown.');
    await userEvent.click(screen.getByRole('link', { name: 'Show all' }));
    expect(await screen.findByRole('link', { name: 'sftp chn_s' })).toBeInTheDocument();
  });
});
