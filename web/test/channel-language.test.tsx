import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import { CompanyProvider } from '../src/api/company';
import { SessionProvider } from '../src/api/session';
import { NewChannelPage } from '../src/pages/collect/NewChannelPage';
import { mockApi, renderPage } from './render';

const company = { id: 'cmp_a', name: 'Acme BV', language: 'nl', timeZone: 'Europe/Brussels', vatId: null, createdAt: '2024-01-01T00:00:00Z' };

describe('the client\'s language on a new channel', () => {
  it('offers the company\'s language first and sends the one chosen', async () => {
    const calls = mockApi({
      'GET /v1/companies': () => ({ items: [company] }),
      'GET /v1/users/me': () => ({ id: 'usr_me', email: 'me@example.com', name: 'Me', role: 'admin', rights: ['configure_collection'], createdAt: 'x' }),
      'GET /v1/session': () => ({ user: { id: 'usr_me', email: 'me@example.com', name: 'Me', role: 'admin' }, organization: { id: 'org_a', name: 'Firm' }, via: 'session', csrfToken: 't' }),
      'GET /v1/channel-recipients': () => ({ items: [{ id: 'usr_me', name: 'Me', email: 'me@example.com' }] }),
      'GET /v1/binders': () => ({ items: [{ id: 'bnd_a', companyId: 'cmp_a', name: 'Purchases', createdAt: 'x' }] }),
      'POST /v1/channels': ({ body }) => [201, { id: 'chn_a', ...(body as object) }],
    });
    renderPage(<SessionProvider><CompanyProvider><Routes>
      <Route path="/collection/new" element={<NewChannelPage />} /><Route path="/collection/:id" element={<p>channel page</p>} />
    </Routes></CompanyProvider></SessionProvider>, '/collection/new');
    const u = userEvent.setup({ delay: null });
    const language = await screen.findByLabelText(/^The client reads/);
    expect(await screen.findByRole('option', { name: 'The company\'s language (Nederlands)' })).toBeInTheDocument();
    await u.type(screen.getByLabelText(/^Name\W*$/), 'Dupont OneDrive');
    await u.type(screen.getByLabelText(/^Client's e-mail address/), 'dupont@example.com');
    await u.selectOptions(language, 'fr');
    await u.click(screen.getByRole('button', { name: 'Create the channel' }));
    expect(await screen.findByText('channel page')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')!.body).toMatchObject({ clientEmail: 'dupont@example.com', clientLanguage: 'fr' });
  });
});
