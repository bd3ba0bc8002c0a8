import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ActivityPage } from '../src/pages/ActivityPage';
import { mockApi, renderPage } from './render';

const entry = (seq: number, type: string, actor: { kind: string; id: string | null }, objectId: string | null) => ({
  seq, at: '2026-12-06T10:00:00Z', type, actor, objectType: null, objectId, companyId: null, details: { seq }, prevHash: 'p', hash: 'h',
});

describe('the activity page', () => {
  it('lists the entries with who did what, filters them, pages and checks the chain', async () => {
    const calls = mockApi({
      'GET /v1/audit': ({ query: q }) => (q.get('before') ? { items: [entry(1, 'user.signed_in', { kind: 'user', id: 'usr_a' }, 'usr_a')], next: null }
        : q.get('type') ? { items: [entry(2, 'document.version_received', { kind: 'api_key', id: 'key_a' }, 'doc_x')], next: null }
          : { items: [entry(3, 'settings.changed', { kind: 'system', id: 'cli' }, 'dst_a'), entry(2, 'document.version_received', { kind: 'api_key', id: 'key_a' }, 'doc_x')], next: 2 }),
      'GET /v1/audit/verify': () => ({ orgId: 'org', ok: false, entries: 4, head: { seq: 3, hash: 'h' }, firstFailure: { seq: 2, problem: 'hash_mismatch', message: 'Entry 2 was changed.' } }),
    });
    renderPage(<ActivityPage />, '/activity');
    const table = within(await screen.findByTestId('activity'));
    expect(table.getByText('Setting changed')).toBeInTheDocument();
    expect(table.getByText('Command line')).toBeInTheDocument();
    expect(table.getByText('API key key_a')).toBeInTheDocument();

    const u = userEvent.setup({ delay: null });
    await u.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await within(screen.getByTestId('activity')).findByText('User usr_a')).toBeInTheDocument();

    await u.click(screen.getByRole('button', { name: 'Check the chain' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The chain is broken at entry 2: Entry 2 was changed.');

    await u.selectOptions(screen.getByRole('combobox', { name: 'What' }), 'document.version_received');
    await u.click(screen.getByRole('button', { name: 'Show' }));
    await waitFor(() => expect(calls.some((c) => c.path === '/v1/audit' && c.query.get('type') === 'document.version_received')).toBe(true));
  });

  it('tells a user who is not an administrator that the log is not for them', async () => {
    mockApi({ 'GET /v1/audit': () => [403, { error: { code: 'forbidden', message: 'admins only' } }] });
    renderPage(<ActivityPage />, '/activity');
    expect(await screen.findByRole('alert')).toHaveTextContent('The activity log is for administrators');
  });
});
