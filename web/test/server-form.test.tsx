import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ServerForm, serverSettings } from '../src/pages/wizard/ServerForm';
import { newDraft, type Draft } from '../src/pages/wizard/draft';
import { mockApi, renderPage } from './render';

const KEY = 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s';

function Harness({ onDraft, kind = 'sftp' }: { onDraft(d: Draft): void; kind?: 'sftp' | 's3' }) {
  const [draft, setDraft] = useState(newDraft(kind, 'NAS'));
  onDraft(draft);
  return <ServerForm draft={draft} update={(p) => setDraft((d) => ({ ...d, ...p }))} />;
}

describe('the SFTP form', () => {
  it('tests the connection, shows the host key, and sends it only once the user confirms it', async () => {
    const calls = mockApi({ 'POST /v1/destinations/test': () => ({ ok: true, message: null, hostKeySha256: KEY, free: 2 * 1024 ** 3 }) });
    let draft: Draft = newDraft('sftp', 'NAS');
    const user = userEvent.setup({ delay: null });
    renderPage(<Harness onDraft={(d) => { draft = d; }} />);

    await user.type(screen.getByLabelText(/Server/), 'nas.example.com');
    await user.type(screen.getByLabelText(/User name/), 'backup');
    await user.type(screen.getByLabelText('Password', { selector: 'input[type=password]' }), 'secret');
    await user.click(screen.getByRole('button', { name: 'Test connection' }));

    expect(await screen.findByText(/The connection works\. 2 GB free\./)).toBeInTheDocument();
    expect(screen.getByTestId('host-key')).toHaveTextContent(KEY);
    expect(calls[0]!.body).toEqual({ kind: 'sftp', settings: { host: 'nas.example.com', username: 'backup', password: 'secret' } });
    expect(draft.tested).toBe(true);
    expect(draft.hostKeyConfirmed).toBe(false);
    expect(serverSettings(draft).hostKeySha256).toBeUndefined();

    await user.click(screen.getByLabelText('This is my server\'s key'));
    await waitFor(() => expect(draft.hostKeyConfirmed).toBe(true));
    expect(serverSettings(draft)).toEqual({ host: 'nas.example.com', username: 'backup', password: 'secret', hostKeySha256: KEY });

    // Changing a field means the test and the confirmation no longer hold.
    await user.type(screen.getByLabelText(/Server/), 'x');
    await waitFor(() => expect(draft.tested).toBe(false));
    expect(draft.hostKeyConfirmed).toBe(false);
    expect(screen.queryByTestId('host-key')).not.toBeInTheDocument();
  });

  it('says why a connection does not work', async () => {
    mockApi({ 'POST /v1/destinations/test': () => ({ ok: false, message: 'All configured authentication methods failed', hostKeySha256: null, free: null }) });
    const user = userEvent.setup({ delay: null });
    renderPage(<Harness onDraft={() => undefined} />);
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The connection does not work: All configured authentication methods failed');
  });
});

describe('the S3 form', () => {
  it('sends the bucket, path style, the retention lock and Object Lock years as the API takes them', async () => {
    const calls = mockApi({ 'POST /v1/destinations/test': () => ({ ok: true, message: null, hostKeySha256: null, free: null }) });
    let draft: Draft = newDraft('s3', 'Archive');
    const user = userEvent.setup({ delay: null });
    renderPage(<Harness kind="s3" onDraft={(d) => { draft = d; }} />);

    await user.type(screen.getByLabelText(/S3 endpoint/), 'https://minio.example.com');
    await user.type(screen.getByRole('textbox', { name: /^Bucket/ }), 'acme-archive');
    await user.click(screen.getByLabelText(/Bucket in the path/));
    await user.type(screen.getByLabelText(/Access key id/), 'AKIA1');
    await user.type(screen.getByLabelText('Secret access key', { selector: 'input[type=password]' }), 'k3y');
    await user.click(screen.getByLabelText(/^Lock each copy for as long as its document must be kept/));
    await user.clear(screen.getByLabelText(/Object Lock \(years\)/));
    await user.type(screen.getByLabelText(/Object Lock \(years\)/), '10');
    await user.click(screen.getByRole('button', { name: 'Test connection' }));

    expect(await screen.findByText(/The connection works\./)).toBeInTheDocument();
    expect(calls[0]!.body).toEqual({ kind: 's3', settings: { endpoint: 'https://minio.example.com', bucket: 'acme-archive', pathStyle: true, accessKeyId: 'AKIA1', secretAccessKey: 'k3y', objectLock: true, objectLockYears: 10 } });
    expect(draft.tested).toBe(true);
  });

  it('offers governance mode only once Object Lock is chosen, and sends it as objectLockMode', async () => {
    const calls = mockApi({ 'POST /v1/destinations/test': () => ({ ok: true, message: null, hostKeySha256: null, free: null }) });
    const user = userEvent.setup({ delay: null });
    renderPage(<Harness kind="s3" onDraft={() => undefined} />);
    await user.type(screen.getByRole('textbox', { name: /^Bucket/ }), 'acme-archive');
    await user.type(screen.getByLabelText(/Access key id/), 'AKIA1');
    await user.type(screen.getByLabelText('Secret access key', { selector: 'input[type=password]' }), 'k3y');
    expect(screen.queryByLabelText(/^Governance mode/)).toBeNull();
    await user.click(screen.getByLabelText(/^Lock each copy for as long as its document must be kept/));
    await user.click(screen.getByLabelText(/^Governance mode/));
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    expect(await screen.findByText(/The connection works\./)).toBeInTheDocument();
    expect(calls[0]!.body).toEqual({ kind: 's3', settings: { bucket: 'acme-archive', accessKeyId: 'AKIA1', secretAccessKey: 'k3y', objectLock: true, objectLockMode: 'GOVERNANCE' } });
  });
});
