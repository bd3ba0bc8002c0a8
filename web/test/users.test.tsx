import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import { SessionProvider } from '../src/api/session';
import { JoinPage } from '../src/pages/JoinPage';
import { UsersPage } from '../src/pages/UsersPage';
import { mockApi, renderPage } from './render';

const user = (id: string, email: string, hasPassword: boolean, rights: string[] = [], active = true) => ({ id, email, name: email.split('@')[0], role: 'member', rights, createdAt: 'x', hasPassword, active });

describe('the users page', () => {
  it('shows a deactivated user as such, without an invitation to send again', async () => {
    mockApi({ 'GET /v1/users': () => ({ items: [user('usr_d', 'gone@example.com', false, ['manage_documents'], false)] }) });
    renderPage(<UsersPage />, '/users');
    expect(await screen.findByText('gone@example.com')).toBeInTheDocument();
    const table = within(screen.getByTestId('users'));
    expect(table.getByText('Deactivated')).toBeInTheDocument();
    expect(table.getByText('Manage documents')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Send again: gone@example.com' })).not.toBeInTheDocument();
  });

  it('lists who joined and who is invited, and invites with the rights chosen, in the app\'s language', async () => {
    const calls = mockApi({
      'GET /v1/users': () => ({ items: [user('usr_a', 'anna@example.com', true, ['review_inbox']), user('usr_b', 'ben@example.com', false)] }),
      'POST /v1/users/invitations': () => [201, { user: user('usr_c', 'clerk@example.com', false), invitation: { id: 'uin_1', expiresAt: '2026-12-05T08:00:00Z' } }],
      'POST /v1/users/usr_b/invitation': () => [201, { id: 'uin_2', expiresAt: '2026-12-05T08:00:00Z' }],
    });
    renderPage(<UsersPage />, '/users');
    expect(await screen.findByText('anna@example.com')).toBeInTheDocument();
    expect(within(screen.getByTestId('users')).getByText('Review the inbox')).toBeInTheDocument();
    const u = userEvent.setup({ delay: null });
    await u.click(screen.getByRole('button', { name: 'Send again: ben@example.com' }));
    await waitFor(() => expect(calls.some((c) => c.path === '/v1/users/usr_b/invitation')).toBe(true));

    await u.type(screen.getByRole('textbox', { name: 'E-mail address' }), 'clerk@example.com');
    await u.type(screen.getByRole('textbox', { name: 'Name' }), 'Clerk');
    await u.click(screen.getByRole('checkbox', { name: 'Set up collection' }));
    await u.click(screen.getByRole('button', { name: 'Send the invitation' }));
    await waitFor(() => expect(calls.some((c) => c.path === '/v1/users/invitations')).toBe(true));
    expect(calls.find((c) => c.path === '/v1/users/invitations')!.body).toEqual({ email: 'clerk@example.com', name: 'Clerk', role: 'member', rights: ['configure_collection'], language: 'en' });
    // An administrator holds every right: there is nothing to tick.
    await u.click(screen.getByRole('radio', { name: 'Administrator' }));
    expect(screen.queryByRole('checkbox', { name: 'Set up collection' })).not.toBeInTheDocument();
  });

  it('says so when the server refuses the list to a user who does not manage users', async () => {
    mockApi({ 'GET /v1/users': () => [403, { error: { code: 'forbidden', message: 'needs the right "manage_users"' } }] });
    renderPage(<UsersPage />, '/users');
    expect(await screen.findByRole('alert')).toHaveTextContent('Managing users needs the right "Manage users"');
  });
});

describe('the invitation page', () => {
  it('sets the password from the link, then signs in with it', async () => {
    const calls = mockApi({
      'GET /v1/session': () => [401, { error: { code: 'unauthorized', message: 'sign in' } }],
      'GET /v1/user-invitations/dui_tok': () => ({ email: 'clerk@example.com', name: 'Clerk', organization: 'Firm', expiresAt: '2026-12-05T08:00:00Z' }),
      'POST /v1/user-invitations/dui_tok': () => ({ email: 'clerk@example.com' }),
      'POST /v1/session': () => ({ user: { id: 'usr_c', email: 'clerk@example.com', name: 'Clerk', role: 'member' }, organization: { id: 'org', name: 'Firm' }, via: 'session', csrfToken: 'c' }),
    });
    renderPage(<SessionProvider><Routes><Route path="/join/:token" element={<JoinPage />} /><Route path="/home" element={<h1>Signed in</h1>} /></Routes></SessionProvider>, '/join/dui_tok');
    expect(await screen.findByRole('heading', { name: 'Welcome to Firm' })).toBeInTheDocument();
    const u = userEvent.setup({ delay: null });
    const submit = screen.getByRole('button', { name: 'Set the password and sign in' });
    await u.type(screen.getByLabelText(/^Password/), 'short');
    expect(screen.getByText('Use at least 10 characters.')).toBeInTheDocument();
    await u.type(screen.getByLabelText(/^Password/), ' but now long');
    await u.type(screen.getByLabelText(/^Repeat the password/), 'short but now long');
    expect(submit).toBeEnabled();
    await u.click(submit);
    expect(await screen.findByRole('heading', { name: 'Signed in' })).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST' && c.path === '/v1/user-invitations/dui_tok')!.body).toEqual({ password: 'short but now long' });
    expect(calls.find((c) => c.method === 'POST' && c.path === '/v1/session')!.body).toEqual({ email: 'clerk@example.com', password: 'short but now long' });
  });

  it('says why a link does not work', async () => {
    mockApi({
      'GET /v1/session': () => [401, { error: { code: 'unauthorized', message: 'sign in' } }],
      'GET /v1/user-invitations/dui_old': () => [409, { error: { code: 'conflict', message: 'This link was already used: sign in with your e-mail address and the password you chose.' } }],
    });
    renderPage(<SessionProvider><Routes><Route path="/join/:token" element={<JoinPage />} /></Routes></SessionProvider>, '/join/dui_old');
    expect(await screen.findByRole('heading', { name: 'This link does not work' })).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('already used');
  });
});
