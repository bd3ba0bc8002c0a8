import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ActivityPage } from '../src/pages/ActivityPage';
import { FakeEventSource, mockApi, renderPage } from './render';

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

describe('the export panel of the activity page', () => {
  const job = (over: object) => ({
    id: 'exp_a', companyId: 'cmp_a', from: '2025-01-01', to: '2025-12-31', state: 'queued', done: 0, total: 0, size: null, sha256: null, summary: null, error: null,
    createdAt: '2026-12-06T10:00:00Z', finishedAt: null, expiresAt: '2026-12-13T10:00:00Z', ...over,
  });

  it('starts an export for the chosen company and period, shows its live progress, then offers the download', async () => {
    globalThis.EventSource = FakeEventSource as unknown as typeof EventSource;
    const calls = mockApi({
      'GET /v1/audit': () => ({ items: [], next: null }),
      'GET /v1/companies': () => ({ items: [{ id: 'cmp_a', name: 'Acme' }, { id: 'cmp_b', name: 'Brico' }] }),
      'POST /v1/exports': () => [202, job({})],
      'GET /v1/exports/exp_a': () => job({ state: 'done', done: 300, total: 300, size: 2048, sha256: 'abc', summary: { documents: 280, files: 300, bytes: 2000, auditEntries: 300 }, finishedAt: '2026-12-06T10:01:00Z' }),
    });
    renderPage(<ActivityPage />, '/activity');
    const panel = within(await screen.findByTestId('export-panel'));
    const u = userEvent.setup({ delay: null });
    await waitFor(() => expect(panel.getByRole('combobox', { name: 'Company' })).toHaveTextContent('Brico'));
    await u.selectOptions(panel.getByRole('combobox', { name: 'Company' }), 'cmp_b');
    await u.clear(panel.getByLabelText(/Documents dated from/));
    await u.type(panel.getByLabelText(/Documents dated from/), '2025-01-01');
    await u.click(panel.getByRole('button', { name: 'Make the export' }));
    expect(await panel.findByText('Waiting for a worker…')).toBeInTheDocument();
    const post = calls.find((c) => c.method === 'POST' && c.path === '/v1/exports')!;
    expect(post.body).toMatchObject({ companyId: 'cmp_b', from: '2025-01-01' });

    await waitFor(() => expect(FakeEventSource.last?.url).toBe('/v1/events?exportId=exp_a'));
    FakeEventSource.last!.emit('export.progress', { exportId: 'exp_a', done: 120, total: 300 });
    expect(await panel.findByText('Writing file 120 of 300…')).toBeInTheDocument();
    expect(panel.getByRole('progressbar', { name: 'Export progress' })).toHaveAttribute('aria-valuenow', '40');
    FakeEventSource.last!.emit('export.finished', { exportId: 'exp_a', state: 'done', done: 300 });
    expect(await panel.findByText(/Ready: 300 files of 280 documents/)).toBeInTheDocument();
    expect(panel.getByRole('link', { name: 'Download the ZIP' })).toHaveAttribute('href', '/v1/exports/exp_a/download');
  });
});
