import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CompanyProvider } from '../src/api/company';
import { HomePage } from '../src/pages/home/HomePage';
import { todoOf } from '../src/pages/home/todo';
import { mockApi, renderPage } from './render';

const company = { id: 'cmp_a', name: 'Acme BV', language: 'nl', timeZone: 'Europe/Brussels', vatId: null, createdAt: '2024-01-01T00:00:00Z' };
const destination = (id: string, name: string, state: string, stateReason: string | null = null) => ({
  id, companyId: 'cmp_a', name, kind: 'local', layout: 'company-year-type', startDate: null, schedule: 'continuous', restoreDeleted: true,
  respectFolderDeletions: false, state, stateReason, lastRunId: null, createdAt: 'x', updatedAt: 'x',
});
const run = (id: string, channelId: string, channelName: string, status: string, failed = 0) => ({
  id, channelId, channelName, companyId: 'cmp_a', trigger: 'daily', startedBy: null, status, queuedAt: '2024-03-14T08:00:00Z', startedAt: '2024-03-14T08:00:00Z',
  finishedAt: '2024-03-14T08:01:00Z', found: 2, collected: 2 - failed, skipped: 0, duplicates: 0, failed, error: null,
});

describe('what to do', () => {
  it('says it from the state first, then from the last run', () => {
    expect(todoOf('needs_attention', null, 'The storage is full.')).toBe('reason');
    expect(todoOf('paused', { status: 'done', failed: 0 }, null)).toBe('paused');
    expect(todoOf('waiting_for_client', null, null)).toBe('waitingForClient');
    expect(todoOf('active', null, null)).toBe('neverRan');
    expect(todoOf('active', { status: 'blocked', failed: 0 }, null)).toBe('runFailed');
    expect(todoOf('active', { status: 'done_with_errors', failed: 2 }, null)).toBe('failedFiles');
    expect(todoOf('active', { status: 'done', failed: 0 }, null)).toBeNull();
  });
});

describe('the overview', () => {
  it('shows each backup and channel with its state and what to do, and the collection history filtered by channel', async () => {
    const calls = mockApi({
      'GET /v1/companies': () => ({ items: [company] }),
      'GET /v1/destinations': () => ({ items: [destination('dst_a', 'Office NAS', 'active'), destination('dst_b', 'OneDrive', 'needs_attention', 'The storage is full: make room.')] }),
      'GET /v1/destinations/dst_a/runs': () => ({ items: [{ id: 'run_a', destinationId: 'dst_a', trigger: 'continuous', status: 'done', startedAt: '2024-03-14T08:00:00Z', finishedAt: null, planned: 1, uploaded: 1, moved: 0, restored: 0, removed: 0, failed: 0, bytes: 10, error: null }] }),
      'GET /v1/destinations/dst_b/runs': () => ({ items: [] }),
      'GET /v1/channels': () => ({ items: [{ id: 'chn_a', companyId: 'cmp_a', name: 'Anna OneDrive', kind: 'onedrive', state: 'waiting_for_client', stateReason: null }, { id: 'chn_b', companyId: 'cmp_a', name: 'Scans', kind: 'local', state: 'active', stateReason: null }] }),
      'GET /v1/collect-runs': (c) => ({ items: c.query.get('channelId') === 'chn_b' || !c.query.get('channelId') ? [run('crn_2', 'chn_b', 'Scans', 'done_with_errors', 1)] : [], next: null }),
    });
    renderPage(<CompanyProvider><HomePage /></CompanyProvider>, '/home');
    const backups = within(await screen.findByTestId('backups'));
    expect(await backups.findByText('All is well: nothing to do.')).toBeInTheDocument();
    expect(backups.getByText('The storage is full: make room.')).toBeInTheDocument();
    const channels = within(screen.getByTestId('channels'));
    expect(await channels.findByText(/Waiting for the client to connect the folder/)).toBeInTheDocument();
    expect(channels.getByText(/Some files failed/)).toBeInTheDocument();
    const history = within(await screen.findByTestId('collection-history'));
    expect(history.getByRole('link', { name: 'Scans' })).toBeInTheDocument();
    expect(history.getByText('Done with errors')).toBeInTheDocument();

    const u = userEvent.setup({ delay: null });
    await u.selectOptions(screen.getByLabelText('Outcome'), 'problems');
    await waitFor(() => expect(calls.some((c) => c.path === '/v1/collect-runs' && c.query.get('status') === 'failed,done_with_errors,interrupted')).toBe(true));
    await u.selectOptions(screen.getByLabelText('Channel'), 'chn_a');
    expect(await screen.findByText('No collection runs yet.')).toBeInTheDocument();
  });
});
