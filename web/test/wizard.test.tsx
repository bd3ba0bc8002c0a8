import { describe, expect, it } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import { CompanyProvider } from '../src/api/company';
import { WizardPage } from '../src/pages/wizard/WizardPage';
import { newDraft, saveDraft } from '../src/pages/wizard/draft';
import { mockApi, renderPage } from './render';

const company = { id: 'cmp_a', name: 'Acme BV', language: 'nl', timeZone: 'Europe/Brussels', createdAt: '2024-01-01T00:00:00Z' };

function renderWizard(path: string) {
  return renderPage(<CompanyProvider><Routes><Route path="/destinations/new" element={<WizardPage />} /><Route path="/destinations/:id/linked" element={<p>linked page</p>} /></Routes></CompanyProvider>, path);
}

describe('the destination wizard', () => {
  it('shows where a real document would land, and updates the preview when the structure changes', async () => {
    const calls = mockApi({
      'GET /v1/companies': () => ({ items: [company] }),
      'GET /v1/layouts': () => ({ default: 'company-year-type', presets: [{ name: 'company-year-type', template: '{company}/{year}/{type}/{file}' }, { name: 'company-year-month', template: '{company}/{year}/{month}/{file}' }], tokens: ['company', 'year'] }),
      'GET /v1/documents': () => ({ items: [{ id: 'doc_a', number: 'F-1', counterparty: 'Client NV', date: '2024-03-14' }], next: null }),
      'POST /v1/layouts/preview': ({ body }) => ({ path: (body as { layout: string }).layout === 'company-year-month' ? 'Acme BV/2024/03/F-1.pdf' : 'Acme BV/2024/Verkoopfacturen/F-1.pdf' }),
    });
    const user = userEvent.setup({ delay: null });
    renderWizard('/destinations/new?kind=sftp');
    expect(await screen.findByText('For your document F-1 Client NV:')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('layout-preview')).toHaveTextContent('Acme BV/2024/Verkoopfacturen/F-1.pdf'));
    await user.click(screen.getByLabelText('Company / year / month'));
    await waitFor(() => expect(screen.getByTestId('layout-preview')).toHaveTextContent('Acme BV/2024/03/F-1.pdf'));
    const previews = calls.filter((c) => c.path === '/v1/layouts/preview').map((c) => c.body);
    expect(previews.at(-1)).toEqual({ layout: 'company-year-month', kind: 'sftp', companyId: 'cmp_a', documentId: 'doc_a' });
    // An SFTP backup may not go on before its connection was tested.
    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByRole('button', { name: 'Test connection' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Next' })).toBeDisabled();
  });

  it('comes back from the provider\'s sign-in at the folder step with what was entered before, and creates the backup', async () => {
    saveDraft({ ...newDraft('onedrive', 'OneDrive'), name: 'Company X OneDrive', layout: 'company-year-month' });
    const calls = mockApi({
      'GET /v1/companies': () => ({ items: [company] }),
      'GET /v1/connections/con_new/folders': () => ({ path: '', folders: [{ name: 'Accounting', path: 'Accounting', id: '1' }], nextPageToken: null }),
      'POST /v1/destinations': () => [201, { id: 'dst_new' }],
      'GET /v1/documents': () => ({ items: [], next: null }),
      'POST /v1/layouts/preview': () => ({ path: 'Acme BV/2024/03/2024-03-14 F2024-001 Client NV.pdf' }),
    });
    const user = userEvent.setup({ delay: null });
    renderWizard('/destinations/new?kind=onedrive&connection=con_new');
    await user.click(await screen.findByRole('button', { name: 'Accounting' }));
    await user.click(screen.getByRole('button', { name: 'Select current folder' }));
    await user.click(screen.getByRole('button', { name: 'Next' }));
    await user.click(await screen.findByLabelText('Once a day'));
    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByText('Company X OneDrive')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Start the backup' }));
    expect(await screen.findByText('linked page')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST' && c.path === '/v1/destinations')!.body).toEqual({
      companyId: 'cmp_a', name: 'Company X OneDrive', kind: 'onedrive', connectionId: 'con_new', settings: { root: 'Accounting' },
      layout: 'company-year-month', startDate: null, schedule: 'daily@23:30', restoreDeleted: true, respectFolderDeletions: false,
    });
    expect(sessionStorage.getItem('dossier.wizard')).toBeNull();
  });

  it('comes back from a declined sign-in at the connect step, keeping what was entered, and says why', async () => {
    saveDraft({ ...newDraft('onedrive', 'OneDrive'), name: 'Company X OneDrive', layout: 'company-year-month' });
    mockApi({
      'GET /v1/companies': () => ({ items: [company] }),
      'GET /v1/providers': () => ({ items: [{ id: 'onedrive-sandbox', kind: 'onedrive', title: 'OneDrive (sandbox)', sandbox: true }] }),
      'GET /v1/connections': () => ({ items: [] }),
    });
    const user = userEvent.setup({ delay: null });
    const why = 'OneDrive (sandbox) access was declined: nothing was connected. Start again and choose Allow to connect.';
    renderWizard(`/destinations/new?kind=onedrive&error=${encodeURIComponent(why)}`);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The sign-in did not connect the account');
    expect(alert).toHaveTextContent(why);
    expect(await screen.findByRole('button', { name: 'Sign in with OneDrive (sandbox)' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Next' })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Back' }));
    expect(await screen.findByDisplayValue('Company X OneDrive')).toBeInTheDocument();
  });
});
