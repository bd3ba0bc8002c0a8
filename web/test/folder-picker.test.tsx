import { describe, expect, it, vi } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { FolderPicker } from '../src/components/FolderPicker';
import { mockApi, renderPage } from './render';

const FOLDERS = '/v1/connections/con_abc/folders';

describe('FolderPicker', () => {
  it('goes into a folder, back by the breadcrumbs, creates a folder there and selects where it is', async () => {
    const tree: Record<string, string[]> = { '': ['Accounting', 'Photos'], Accounting: ['2023'], 'Accounting/2023': [] };
    const calls = mockApi({
      [`GET ${FOLDERS}`]: ({ query }) => {
        const path = query.get('path') ?? '';
        return { path, folders: (tree[path] ?? []).map((name) => ({ name, path: path ? `${path}/${name}` : name, id: null })), nextPageToken: null };
      },
      [`POST ${FOLDERS}`]: ({ body }) => {
        const path = (body as { path: string }).path;
        tree[path] = [];
        return [201, { name: path.split('/').at(-1), path, id: 'x' }];
      },
    });
    const onSelect = vi.fn();
    const user = userEvent.setup({ delay: null });
    renderPage(<FolderPicker connectionId="con_abc" selected={null} onSelect={onSelect} topLabel="OneDrive" />);

    await user.click(await screen.findByRole('button', { name: 'Accounting' }));
    const path = screen.getByRole('navigation', { name: 'Folder path' });
    await waitFor(() => expect(path).toHaveTextContent('OneDrive/Accounting'));
    expect(await screen.findByRole('button', { name: '2023' })).toBeInTheDocument();

    await user.type(screen.getByLabelText('New folder'), 'Backup');
    await user.click(screen.getByRole('button', { name: 'Create' }));
    await waitFor(() => expect(path).toHaveTextContent('OneDrive/Accounting/Backup'));
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ path: 'Accounting/Backup' });
    expect(await screen.findByText('No folders here.')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Select current folder' }));
    expect(onSelect).toHaveBeenCalledWith('Accounting/Backup');

    await user.click(screen.getByRole('button', { name: 'OneDrive' }));
    expect(await screen.findByRole('button', { name: 'Photos' })).toBeInTheDocument();
  });
});
