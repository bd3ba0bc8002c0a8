import { describe, expect, it } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import { DestinationPage } from '../src/pages/DestinationPage';
import { setCsrfToken } from '../src/api/client';
import { FakeEventSource, mockApi, renderPage } from './render';

const status = (synced: number, pending: number) => ({
  id: 'dst_a', companyId: 'cmp_a', name: 'Office NAS', kind: 'sftp', layout: 'company-year-type', startDate: '2024-01-01', schedule: 'daily@23:30',
  restoreDeleted: true, respectFolderDeletions: false, state: 'active', stateReason: null, lastRunId: null, createdAt: '2024-01-01T00:00:00Z',
  updatedAt: '2024-01-01T00:00:00Z', documents: { synced, pending, failed: 0 }, quota: null, folder: 'backup', connection: null,
});

describe('the destination page', () => {
  it('shows a pass live from the event stream, then the new counts; its buttons send the CSRF token', async () => {
    let synced = 0;
    const calls = mockApi({
      'GET /v1/destinations/dst_a': () => status(synced, 4 - synced),
      'GET /v1/destinations/dst_a/runs': () => ({ items: [] }),
      'POST /v1/destinations/dst_a/sync': () => [202, { queued: true }],
    });
    globalThis.EventSource = FakeEventSource as unknown as typeof EventSource;
    setCsrfToken('token-123');
    renderPage(<Routes><Route path="/destinations/:id" element={<DestinationPage />} /></Routes>, '/destinations/dst_a');

    expect(await screen.findByRole('heading', { name: 'Office NAS' })).toBeInTheDocument();
    expect(screen.getByText('Nothing is being copied right now.')).toBeInTheDocument();
    const source = FakeEventSource.last!;
    expect(source.url).toBe('/v1/events?destinationId=dst_a');

    source.emit('run.started', { destinationId: 'dst_a', runId: 'run_1', trigger: 'manual' });
    source.emit('run.progress', { destinationId: 'dst_a', runId: 'run_1', done: 1, planned: 4, bytes: 2048 });
    expect(screen.getByTestId('live-progress')).toHaveTextContent('Copying: 1 of 4 (2 kB)');
    expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '25');

    synced = 4;
    source.emit('run.finished', { destinationId: 'dst_a', runId: 'run_1', status: 'done', planned: 4, uploaded: 4, failed: 0 });
    await waitFor(() => expect(screen.getByTestId('count-synced')).toHaveTextContent('4'));
    expect(screen.getByText('Nothing is being copied right now.')).toBeInTheDocument();

    await userEvent.setup({ delay: null }).click(screen.getByRole('button', { name: 'Sync now' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST')).toBe(true));
    expect(calls.find((c) => c.method === 'POST')!.headers.get('x-csrf-token')).toBe('token-123');
    setCsrfToken(null);
  });
});
