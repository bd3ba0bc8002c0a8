import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import { CompanyProvider } from '../src/api/company';
import { IntegrationsPage } from '../src/pages/IntegrationsPage';
import { mockApi, renderPage } from './render';

const company = { id: 'cmp_a', name: 'Acme BV', language: 'nl', timeZone: 'Europe/Brussels', createdAt: '2024-01-01T00:00:00Z' };
const destination = (id: string, kind: string, state: string) => ({
  id, companyId: 'cmp_a', name: `${kind} backup`, kind, layout: 'company-year-type', startDate: null, schedule: 'continuous', restoreDeleted: true,
  respectFolderDeletions: false, state, stateReason: null, lastRunId: null, createdAt: '2024-01-01T00:00:00Z', updatedAt: '2024-01-01T00:00:00Z',
});

describe('Apps & integrations', () => {
  it('shows one card per backup integration with its state and what can be done', async () => {
    mockApi({
      'GET /v1/companies': () => ({ items: [company] }),
      'GET /v1/destination-kinds': () => ({ items: ['local', 'sftp', 'webdav', 'onedrive', 'dropbox'].map((kind) => ({ kind, title: kind, secrets: [], settings: {} })) }),
      'GET /v1/providers': () => ({ items: [{ id: 'onedrive-sandbox', kind: 'onedrive', title: 'OneDrive (sandbox)', sandbox: true, scopes: [] }] }),
      'GET /v1/destinations': () => ({ items: [destination('dst_s', 'sftp', 'active'), destination('dst_w', 'webdav', 'needs_attention'), destination('dst_x', 'local', 'removed')] }),
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
});
