import { describe, expect, it } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CompanyProvider } from '../src/api/company';
import { DocumentsPage } from '../src/pages/DocumentsPage';
import { mockApi, renderPage } from './render';

const company = { id: 'cmp_a', name: 'Acme BV', language: 'nl', timeZone: 'Europe/Brussels', vatId: null, createdAt: '2024-01-01T00:00:00Z' };
const doc = (number: string) => ({ id: `doc_${number}`, companyId: 'cmp_a', type: 'invoice', number, date: '2024-03-14', counterparty: 'Client NV', amount: '121.00', currency: 'EUR', businessAccount: null, versionCount: 1, createdAt: 'x', updatedAt: 'x' });

describe('searching documents', () => {
  it('asks the server with the search, type and dates, and shows what it answers', async () => {
    const calls = mockApi({
      'GET /v1/companies': () => ({ items: [company] }),
      'GET /v1/users/me': () => ({ id: 'usr_me', email: 'me@example.com', name: 'Me', role: 'member', rights: [], createdAt: 'x' }),
      'GET /v1/documents': (c) => ({ items: c.query.get('q') === 'peeters' ? [doc('F-7')] : [doc('F-1'), doc('F-2')], next: null }),
    });
    renderPage(<CompanyProvider><DocumentsPage /></CompanyProvider>, '/documents');
    expect(await screen.findByRole('link', { name: 'F-2' })).toBeInTheDocument();
    const u = userEvent.setup({ delay: null });
    await u.type(screen.getByRole('searchbox', { name: 'Search documents' }), 'peeters');
    await u.selectOptions(screen.getByLabelText('Type'), 'invoice');
    expect(await screen.findByRole('link', { name: 'F-7' })).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('link', { name: 'F-2' })).not.toBeInTheDocument());
    const last = calls.filter((c) => c.path === '/v1/documents').at(-1)!;
    expect(last.query.get('q')).toBe('peeters');
    expect(last.query.get('type')).toBe('invoice');
    expect(last.query.get('companyId')).toBe('cmp_a');
  });
});
