import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { SessionProvider } from '../src/api/session';
import { CompanyProvider } from '../src/api/company';
import { InboxPage } from '../src/pages/inbox/InboxPage';
import { mockApi, renderPage, type Call } from './render';

const field = (value: string, confidence: number) => ({ value, confidence, provenance: { kind: 'text', page: 1, start: 0, end: 1 } });
const item = (id: string, seller: string, fields: Record<string, ReturnType<typeof field>>, status = 'to_review') => ({
  id, companyId: 'cmp_a', binderId: 'bnd_a', recipientId: 'usr_me', channelId: 'chn_a', documentId: `doc_${id}`, contentUrl: `/v1/documents/doc_${id}/content`,
  sha256: 'x', filename: `${id}.pdf`, sourcePath: null, status, fields: { sellerName: field(seller, 0.95), ...fields },
  extraction: { ok: true, source: 'pdf_text', reason: null, message: null, pages: 1, warnings: [] },
  likelyDuplicateOf: null, previousId: null, duplicatesSeen: 0, reviewedBy: null, reviewedAt: null, createdAt: '2024-03-14T10:00:00Z', updatedAt: '2024-03-14T10:00:00Z',
});

const ITEMS = [
  item('inb_1', 'Acme NV', { number: field('F-1', 0.55), totalWithVat: field('121.00', 0.9), currency: field('EUR', 0.99), issueDate: field('2024-03-14', 0.9) }),
  item('inb_2', 'Beta BV', { number: field('B-7', 1) }),
  item('inb_3', 'Gamma SA', { number: field('G-3', 1) }),
];

const COMPANIES = [{ id: 'cmp_a', name: 'Company A', language: 'en', timeZone: 'Europe/Brussels', createdAt: '2024-01-01T00:00:00Z' }];

function setup(items = ITEMS, companies = COMPANIES) {
  let list = items;
  const calls = mockApi({
    'GET /v1/session': () => ({ user: { id: 'usr_me', email: 'me@example.com', name: 'Me', role: 'member' }, organization: { id: 'org_a', name: 'Firm' }, via: 'session', csrfToken: 'csrf-1' }),
    'GET /v1/companies': () => ({ items: companies }),
    'GET /v1/binders': () => ({ items: [{ id: 'bnd_a', companyId: 'cmp_a', name: 'Purchases', createdAt: 'x' }, { id: 'bnd_b', companyId: 'cmp_a', name: 'Expenses', createdAt: 'x' }] }),
    'GET /v1/users': () => [403, { error: { code: 'forbidden', message: 'needs the right "manage_users"' } }],
    'GET /v1/inbox': (c) => ({ items: list.filter((i) => i.status === (c.query.get('status') ?? i.status) && (!c.query.get('binderId') || i.binderId === c.query.get('binderId'))), next: null }),
    'PATCH /v1/inbox/inb_1': (c) => {
      const body = c.body as { status?: string; fields?: Record<string, string> };
      const changed = { ...list[0]!, status: body.status ?? 'to_review', fields: { ...list[0]!.fields, ...Object.fromEntries(Object.entries(body.fields ?? {}).map(([k, v]) => [k, field(v, 1)])) } };
      list = [changed, ...list.slice(1)];
      return changed;
    },
  });
  renderPage(<SessionProvider><CompanyProvider><InboxPage /></CompanyProvider></SessionProvider>, '/inbox');
  return calls;
}
const inboxCalls = (calls: Call[]) => calls.filter((c) => c.method === 'GET' && c.path === '/v1/inbox');
/** The queue's own requests, not the count of documents being read that goes with them. */
const queueCalls = (calls: Call[]) => inboxCalls(calls).filter((c) => c.query.get('status') !== 'reading');
const queueItem = (id: string) => screen.getByTestId(`queue-${id}`);
/** A Mantine Select's option, in the list that this select opened (every select keeps its own). */
async function optionOf(user: ReturnType<typeof userEvent.setup>, label: string, option: string): Promise<HTMLElement> {
  const box = screen.getByRole('combobox', { name: label });
  await user.click(box);
  await waitFor(() => expect(box).toHaveAttribute('aria-controls'));
  return within(document.getElementById(box.getAttribute('aria-controls')!)!).findByRole('option', { name: option, hidden: true });
}

describe('the inbox page', () => {
  it('says how many documents are being read, and shows each in the queue once read', async () => {
    const calls = setup([...ITEMS, item('inb_8', 'Still Reading BV', {}, 'reading')]);
    expect(await screen.findByTestId('inbox-being-read')).toHaveTextContent('1 document is being read: it appears here once read.');
    expect(screen.queryByTestId('queue-inb_8')).not.toBeInTheDocument();
    expect(inboxCalls(calls).some((c) => c.query.get('status') === 'reading')).toBe(true);
  });

  it('lists the company\'s items to review, and asks the server again for another status or binder', async () => {
    const calls = setup([...ITEMS, item('inb_9', 'Done Ltd', {}, 'done')]);
    await screen.findByTestId('queue-inb_1');
    expect(screen.queryByTestId('queue-inb_9')).not.toBeInTheDocument();
    const first = queueCalls(calls).at(-1)!;
    expect(first.query.get('companyId')).toBe('cmp_a');
    expect(first.query.get('status')).toBe('to_review');

    const user = userEvent.setup({ delay: null });
    await user.click(screen.getByRole('radio', { name: 'Done' }));
    await screen.findByTestId('queue-inb_9');
    expect(screen.queryByTestId('queue-inb_1')).not.toBeInTheDocument();
    expect(queueCalls(calls).at(-1)!.query.get('status')).toBe('done');

    await user.click(screen.getByRole('radio', { name: 'To review' }));
    await screen.findByTestId('queue-inb_1');
    await user.click(await optionOf(user, 'Binder', 'Expenses'));
    await waitFor(() => expect(queueCalls(calls).at(-1)!.query.get('binderId')).toBe('bnd_b'));
    expect(await screen.findByText('Nothing to review: the inbox is empty.')).toBeInTheDocument();
    // Without manage_users the recipient filter still offers the reviewer themself.
    expect(await optionOf(user, 'Recipient', 'Me')).toBeInTheDocument();
  });

  it('with more than one company, filters by the company chosen', async () => {
    const calls = setup(ITEMS, [...COMPANIES, { ...COMPANIES[0]!, id: 'cmp_b', name: 'Company B' }]);
    await screen.findByTestId('queue-inb_1');
    const user = userEvent.setup({ delay: null });
    await user.click(await optionOf(user, 'Company', 'Company B'));
    await waitFor(() => expect(inboxCalls(calls).at(-1)!.query.get('companyId')).toBe('cmp_b'));
    expect(calls.filter((c) => c.path === '/v1/binders').at(-1)!.query.get('companyId')).toBe('cmp_b');
  });

  it('shows the fields beside the original, the low-confidence ones marked for checking, amounts and dates in the locale', async () => {
    setup();
    const panel = await screen.findByTestId('inbox-item');
    const number = within(panel).getByRole('textbox', { name: 'Number' });
    expect(number).toHaveValue('F-1');
    expect(number).toHaveAttribute('data-low', 'true');
    expect(number).toHaveAccessibleDescription(/Confidence 55%.*check this value/);
    const seller = within(panel).getByRole('textbox', { name: 'Supplier' });
    expect(seller).not.toHaveAttribute('data-low');
    expect(seller).toHaveAccessibleDescription('Confidence 95%');
    expect(within(panel).getByRole('textbox', { name: 'Total with VAT' })).toHaveAccessibleDescription(/€121\.00/);
    expect(within(panel).getByRole('textbox', { name: 'Date' })).toHaveAccessibleDescription(/Mar 14, 2024/);
    expect(within(queueItem('inb_1')).getByText('1 to check')).toBeInTheDocument();
    // The original's place: here the server has no file, so the page says so and offers the download.
    expect(await within(panel).findByText('The original cannot be shown here: download it instead.')).toBeInTheDocument();
    expect(within(panel).getByRole('link', { name: 'Download inb_1.pdf' })).toHaveAttribute('href', '/v1/documents/doc_inb_1/content');
  });

  it('walks the queue with j and k, and with the arrow keys in the queue, focus following', async () => {
    setup();
    await screen.findByTestId('queue-inb_1');
    expect(queueItem('inb_1')).toHaveAttribute('aria-current', 'true');
    const user = userEvent.setup({ delay: null });
    await user.keyboard('j');
    expect(queueItem('inb_2')).toHaveAttribute('aria-current', 'true');
    expect(queueItem('inb_2')).toHaveFocus();
    expect(await screen.findByRole('textbox', { name: 'Number' })).toHaveValue('B-7');
    await user.keyboard('{ArrowDown}');
    expect(queueItem('inb_3')).toHaveAttribute('aria-current', 'true');
    await user.keyboard('{ArrowDown}');
    expect(queueItem('inb_3')).toHaveAttribute('aria-current', 'true');
    await user.keyboard('k');
    expect(queueItem('inb_2')).toHaveFocus();
    await user.keyboard('{ArrowUp}');
    expect(queueItem('inb_1')).toHaveAttribute('aria-current', 'true');
    // Typing j into a field types it: the keys move only outside the fields.
    const number = screen.getByRole('textbox', { name: 'Number' });
    await user.click(number);
    await user.keyboard('j');
    expect(number).toHaveValue('F-1j');
    expect(queueItem('inb_1')).toHaveAttribute('aria-current', 'true');
  });

  it('confirms with the correction and what was read, with the CSRF token, and moves on to the next item', async () => {
    const calls = setup();
    const number = await screen.findByRole('textbox', { name: 'Number' });
    const user = userEvent.setup({ delay: null });
    await user.clear(number);
    await user.type(number, 'F-2024-1');
    await user.click(screen.getByRole('button', { name: 'Confirm and next' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PATCH')).toBe(true));
    const patch = calls.find((c) => c.method === 'PATCH')!;
    expect(patch.headers.get('x-csrf-token')).toBe('csrf-1');
    expect(patch.body).toEqual({ fields: { number: 'F-2024-1' }, confirm: ['issueDate', 'currency', 'sellerName', 'totalWithVat'], status: 'done' });
    await waitFor(() => expect(screen.queryByTestId('queue-inb_1')).not.toBeInTheDocument());
    expect(queueItem('inb_2')).toHaveAttribute('aria-current', 'true');
    expect(screen.getByRole('textbox', { name: 'Number' })).toHaveValue('B-7');
  });

  it('offers the kind of document as a choice, keeps a value typed before as one of them, and saves the one chosen', async () => {
    const calls = setup([item('inb_1', 'Acme NV', { documentType: field('receipt', 1) }), ...ITEMS.slice(1)]);
    const panel = await screen.findByTestId('inbox-item');
    const kind = within(panel).getByRole('combobox', { name: 'Kind of document' });
    expect(kind.tagName).toBe('SELECT');
    expect(within(kind).getAllByRole('option').map((o) => [(o as HTMLOptionElement).value, o.textContent])).toEqual([['receipt', 'receipt'], ['invoice', 'Invoice'], ['credit_note', 'Credit note']]);
    expect(kind).toHaveValue('receipt');
    const user = userEvent.setup({ delay: null });
    await user.selectOptions(kind, 'credit_note');
    await user.click(within(panel).getByRole('button', { name: 'Save corrections' }));
    await waitFor(() => expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ fields: { documentType: 'credit_note' } }));
  });

  it('moves an item to another binder with one change of its own', async () => {
    const calls = setup();
    await screen.findByTestId('inbox-item');
    const user = userEvent.setup({ delay: null });
    await user.click(await optionOf(user, 'Move to binder', 'Expenses'));
    await waitFor(() => expect(calls.filter((c) => c.method === 'PATCH').map((c) => c.body)).toEqual([{ binderId: 'bnd_b' }]));
  });

  it('tells a user without the review right that the server refused, and why', async () => {
    mockApi({
      'GET /v1/session': () => ({ user: { id: 'usr_c', email: 'c@example.com', name: 'Clerk', role: 'member' }, organization: { id: 'org_a', name: 'Firm' }, via: 'session', csrfToken: 'x' }),
      'GET /v1/companies': () => ({ items: [{ id: 'cmp_a', name: 'Company A', language: 'en', timeZone: 'Europe/Brussels', createdAt: 'x' }] }),
      'GET /v1/binders': () => ({ items: [] }),
      'GET /v1/users': () => [403, { error: { code: 'forbidden', message: 'no' } }],
      'GET /v1/inbox': () => [403, { error: { code: 'forbidden', message: 'This needs the right "review_inbox".' } }],
    });
    renderPage(<SessionProvider><CompanyProvider><InboxPage /></CompanyProvider></SessionProvider>, '/inbox');
    expect(await screen.findByRole('alert')).toHaveTextContent('No access to the inbox');
    expect(screen.queryByTestId('inbox-item')).not.toBeInTheDocument();
  });
});
