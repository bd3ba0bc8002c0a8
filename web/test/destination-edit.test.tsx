import { describe, expect, it } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import { EditDestinationPage } from '../src/pages/destination/EditDestinationPage';
import { mockApi, renderPage } from './render';

const status = {
  id: 'dst_a', companyId: 'cmp_a', name: 'Office NAS', kind: 'sftp', layout: 'company-year-type', startDate: null, schedule: 'daily@23:30',
  restoreDeleted: true, respectFolderDeletions: false, state: 'active', stateReason: null, lastRunId: null, createdAt: '2024-01-01T00:00:00Z',
  updatedAt: '2024-01-01T00:00:00Z', documents: { synced: 3, pending: 0, failed: 0 }, quota: null, folder: 'backup', connection: null,
};
const layouts = {
  presets: [{ name: 'company-year-type', template: '{company}/{year}/{type}/{file}' }, { name: 'company-year-month', template: '{company}/{year}/{month}/{file}' }],
  tokens: ['company', 'year', 'month', 'type', 'file'],
};

describe('changing a backup', () => {
  it('fills the form from the backup, counts the files a new structure moves, and saves only then', async () => {
    const calls = mockApi({
      'GET /v1/destinations/dst_a': () => status,
      'GET /v1/layouts': () => layouts,
      'GET /v1/documents': () => ({ items: [], nextCursor: null }),
      'POST /v1/layouts/preview': () => ({ path: 'My company/2024/03/invoice.pdf' }),
      'POST /v1/destinations/dst_a/preview-change': () => ({ moves: 3, uploads: 0, skipped: 0, unchanged: 0 }),
      'PATCH /v1/destinations/dst_a': (c) => ({ ...status, ...(c.body as object) }),
    });
    renderPage(<Routes><Route path="/destinations/:id/edit" element={<EditDestinationPage />} /><Route path="/destinations/:id" element={<p>the backup</p>} /></Routes>, '/destinations/dst_a/edit');
    const u = userEvent.setup({ delay: null });
    expect(await screen.findByRole('heading', { name: 'Change "Office NAS"' })).toBeInTheDocument();
    expect(screen.getByRole('radio', { name: 'Once a day' })).toBeChecked();
    expect(screen.getByDisplayValue('23:30')).toBeInTheDocument();
    const save = screen.getByRole('button', { name: 'Save the changes' });
    expect(save).toBeEnabled();

    await u.click(await screen.findByRole('radio', { name: 'Company / year / month' }));
    expect(save).toBeDisabled();
    await u.click(screen.getByRole('button', { name: 'Check what changes' }));
    expect(await screen.findByText('With this structure 3 files move to a new place.')).toBeInTheDocument();
    expect(calls.find((c) => c.path === '/v1/destinations/dst_a/preview-change')!.body).toEqual({ layout: 'company-year-month', startDate: null });
    await u.click(save);
    expect(await screen.findByText('the backup')).toBeInTheDocument();
    await waitFor(() => expect(calls.find((c) => c.method === 'PATCH')!.body).toEqual({
      name: 'Office NAS', layout: 'company-year-month', startDate: null, schedule: 'daily@23:30', restoreDeleted: true, respectFolderDeletions: false,
    }));
  });
});
