import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CompanyProvider } from '../src/api/company';
import { SessionProvider } from '../src/api/session';
import { SettingsPage } from '../src/pages/settings/SettingsPage';
import { mockApi, renderPage } from './render';

const company = { id: 'cmp_a', name: 'My company', language: 'en', timeZone: 'Europe/Brussels', vatId: null, createdAt: '2024-01-01T00:00:00Z' };
const signedIn = (role: string, rights: string[], extra: Record<string, (c: { body: unknown }) => unknown> = {}) => mockApi({
  'GET /v1/session': () => ({ user: { id: 'usr_me', email: 'me@example.com', name: 'Me', role }, organization: { id: 'org_a', name: 'My organization' }, via: 'session', csrfToken: 't' }),
  'GET /v1/companies': () => ({ items: [company] }),
  'GET /v1/organization': () => ({ id: 'org_a', name: 'My organization', createdAt: 'x' }),
  'GET /v1/users/me': () => ({ id: 'usr_me', email: 'me@example.com', name: 'Me', role, rights, createdAt: 'x' }),
  ...extra,
});
const renderSettings = () => renderPage(<SessionProvider><CompanyProvider><SettingsPage /></CompanyProvider></SessionProvider>, '/settings');

describe('the settings page', () => {
  it('renames the firm and a company, with its language and VAT number', async () => {
    const calls = signedIn('admin', ['manage_companies'], {
      'PATCH /v1/organization': (c) => ({ id: 'org_a', createdAt: 'x', ...(c.body as object) }),
      'PATCH /v1/companies/cmp_a': (c) => ({ ...company, ...(c.body as object) }),
    });
    renderSettings();
    const u = userEvent.setup({ delay: null });
    const firm = await screen.findByRole('textbox', { name: 'Name of the firm' });
    await u.clear(firm);
    await u.type(firm, 'Boekhouding Peeters');
    await u.click(screen.getAllByRole('button', { name: 'Save' })[0]!);
    await waitFor(() => expect(calls.find((c) => c.method === 'PATCH' && c.path === '/v1/organization')?.body).toEqual({ name: 'Boekhouding Peeters' }));

    const companies = within(screen.getByTestId('companies'));
    const name = await companies.findByRole('textbox', { name: 'Name' });
    await u.clear(name);
    await u.type(name, 'Bakkerij Peeters BV');
    await u.type(companies.getByRole('textbox', { name: 'VAT number' }), 'BE0403170701');
    await u.click(companies.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(calls.find((c) => c.path === '/v1/companies/cmp_a')?.body)
      .toEqual({ name: 'Bakkerij Peeters BV', language: 'en', timeZone: 'Europe/Brussels', vatId: 'BE0403170701' }));
  });

  it('shows what the server says about a wrong VAT number', async () => {
    signedIn('admin', ['manage_companies'], {
      'PATCH /v1/companies/cmp_a': () => [400, { error: { code: 'invalid_input', message: 'vatId: "BE0403170702" is not a valid VAT number: its check digits do not match (a typing error?).' } }],
    });
    renderSettings();
    const u = userEvent.setup({ delay: null });
    const companies = within(screen.getByTestId('companies'));
    await u.type(await companies.findByRole('textbox', { name: 'VAT number' }), 'BE0403170702');
    await u.click(companies.getByRole('button', { name: 'Save' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('check digits do not match');
  });

  it('lets a member without the rights read but not change', async () => {
    signedIn('member', []);
    renderSettings();
    expect(await screen.findByText('Only an administrator can rename the firm.')).toBeInTheDocument();
    expect(await screen.findByText('Changing companies needs the right "Manage companies".')).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Name of the firm' })).toBeDisabled();
    expect(screen.queryByRole('button', { name: 'Save' })).not.toBeInTheDocument();
    expect(screen.queryByText('Add a company')).not.toBeInTheDocument();
  });
});
