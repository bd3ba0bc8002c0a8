import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import { CompanyProvider } from '../src/api/company';
import { SessionProvider } from '../src/api/session';
import { Layout } from '../src/components/Layout';
import { mockApi, renderPage } from './render';

const company = { id: 'cmp_a', name: 'Acme BV', language: 'nl', timeZone: 'Europe/Brussels', createdAt: '2024-01-01T00:00:00Z' };
const signedIn = (role: string, rights: string[]) => mockApi({
  'GET /v1/session': () => ({ user: { id: 'usr_me', email: 'me@example.com', name: 'Me', role }, organization: { id: 'org_a', name: 'Firm' }, via: 'session', csrfToken: 't' }),
  'GET /v1/companies': () => ({ items: [company] }),
  'GET /v1/users/me': () => ({ id: 'usr_me', email: 'me@example.com', name: 'Me', role, rights, createdAt: '2024-01-01T00:00:00Z' }),
});
const renderFrame = () => renderPage(
  <SessionProvider><CompanyProvider><Routes><Route element={<Layout />}><Route path="/documents" element={<p>documents</p>} /></Route></Routes></CompanyProvider></SessionProvider>,
  '/documents',
);
const menuLinks = async () => {
  const nav = await screen.findByRole('navigation', { name: 'Main' });
  await within(nav).findByRole('link', { name: 'Documents' });
  return nav;
};

describe('the main menu', () => {
  it('shows an administrator every area', async () => {
    signedIn('admin', ['configure_collection', 'review_inbox', 'manage_destinations', 'manage_users']);
    renderFrame();
    const nav = await menuLinks();
    await within(nav).findByRole('link', { name: 'Inbox' });
    expect(within(nav).getAllByRole('link').map((a) => a.textContent)).toEqual(['Overview', 'Inbox', 'Documents', 'Backups', 'Apps & integrations', 'Collection', 'Users', 'Activity', 'Settings']);
  });

  it('hides the inbox and the users from who may neither review the inbox nor manage users', async () => {
    const calls = signedIn('member', ['configure_collection']);
    renderFrame();
    const nav = await menuLinks();
    await within(nav).findByRole('link', { name: 'Collection' });
    // Once the rights have come back (a moment to render them), the two entries stay away.
    await new Promise((r) => setTimeout(r, 100));
    expect(calls.some((c) => c.path === '/v1/users/me')).toBe(true);
    expect(within(nav).getAllByRole('link').map((a) => a.textContent)).toEqual(['Overview', 'Documents', 'Backups', 'Apps & integrations', 'Collection', 'Settings']);
  });

  it('shows the inbox to a reviewer, but not the users', async () => {
    signedIn('member', ['review_inbox']);
    renderFrame();
    const nav = await menuLinks();
    await within(nav).findByRole('link', { name: 'Inbox' });
    expect(within(nav).queryByRole('link', { name: 'Users' })).not.toBeInTheDocument();
  });

  it('adds the sandbox\'s page last, only while the installation offers sandbox providers', async () => {
    const routes = {
      'GET /v1/session': () => ({ user: { id: 'usr_me', email: 'me@example.com', name: 'Me', role: 'member' }, organization: { id: 'org_a', name: 'Firm' }, via: 'session', csrfToken: 't' }),
      'GET /v1/companies': () => ({ items: [company] }),
      'GET /v1/users/me': () => ({ id: 'usr_me', email: 'me@example.com', name: 'Me', role: 'member', rights: [], createdAt: '2024-01-01T00:00:00Z' }),
    };
    mockApi({ ...routes, 'GET /v1/providers': () => ({ items: [{ id: 'onedrive-sandbox', kind: 'onedrive', title: 'OneDrive (sandbox)', sandbox: true, scopes: [] }] }) });
    const { unmount } = renderFrame();
    const nav = await menuLinks();
    const sandbox = await within(nav).findByRole('link', { name: 'Sandbox' });
    expect(sandbox).toHaveAttribute('href', '/sandbox/');
    expect(within(nav).getAllByRole('link').at(-1)).toBe(sandbox);
    unmount();

    mockApi({ ...routes, 'GET /v1/providers': () => ({ items: [{ id: 'onedrive', kind: 'onedrive', title: 'OneDrive', sandbox: false, scopes: [] }] }) });
    renderFrame();
    const real = await menuLinks();
    await new Promise((r) => setTimeout(r, 100));
    expect(within(real).queryByRole('link', { name: 'Sandbox' })).not.toBeInTheDocument();
  });
});
