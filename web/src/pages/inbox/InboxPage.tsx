import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { Alert, Badge, Grid, Group, Select, SegmentedControl, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api, ApiError, unwrap } from '../../api/client';
import { useCompany } from '../../api/company';
import { useSession } from '../../api/session';
import { useLoad } from '../../api/use-load';
import { useFormat } from '../../i18n/format';
import { ErrorAlert } from '../../components/ErrorAlert';
import { InboxItemPanel } from './InboxItemPanel';
import { lowCount, summary, type InboxItem } from './fields';

type Status = InboxItem['status'];
const ANY = '';
const READING_POLL_MS = 2_000;
const typing = (el: EventTarget | null) => el instanceof HTMLElement && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));

/**
 * The inbox: what was collected, waiting for data entry. Filters on the left (company, binder,
 * recipient, to review or done), the queue below them, the chosen item on the right. j/k or the
 * arrow keys walk the queue; confirming an item moves on to the next.
 */
export function InboxPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const { session } = useSession();
  const { companies, company } = useCompany();
  const [companyId, setCompanyId] = useState<string | null>(null);
  const [binderId, setBinderId] = useState(ANY);
  const [recipientId, setRecipientId] = useState(ANY);
  const [status, setStatus] = useState<Status>('to_review');
  const [selected, setSelected] = useState<string | null>(null);
  const buttons = useRef(new Map<string, HTMLButtonElement>());
  const cid = companyId ?? company?.id ?? null;

  const list = useLoad(async () => cid
    ? unwrap(api.GET('/v1/inbox', { params: { query: { companyId: cid, status, limit: 200, ...(binderId && { binderId }), ...(recipientId && { recipientId }) } } }))
    : { items: [], next: null }, [cid, status, binderId, recipientId]);
  // Collected documents are read by a job: while some are, the queue is read again every few
  // seconds, so each appears in "to review" once read, without a reload.
  const reading = useLoad(async () => (cid && status !== 'reading'
    ? (await unwrap(api.GET('/v1/inbox', { params: { query: { companyId: cid, status: 'reading', limit: 200 } } }))).items.length
    : 0), [cid, status]);
  const beingRead = reading.data ?? 0;
  useEffect(() => {
    if (beingRead === 0) return undefined;
    const timer = setInterval(() => { void reading.reload(); void list.reload(); }, READING_POLL_MS);
    return () => clearInterval(timer);
  }, [beingRead]);
  const binders = useLoad(async () => (cid ? (await unwrap(api.GET('/v1/binders', { params: { query: { companyId: cid } } }))).items : []), [cid]);
  // Listing users needs manage_users; a reviewer without it still sees (and can pick) themself.
  const users = useLoad(async () => {
    const me = session ? [{ value: session.user.id, label: session.user.name || session.user.email }] : [];
    try {
      const all = (await unwrap(api.GET('/v1/users'))).items;
      return all.map((u) => ({ value: u.id, label: u.name ? `${u.name} (${u.email})` : u.email }));
    } catch (e) {
      if (e instanceof ApiError && e.status === 403) return me;
      throw e;
    }
  }, [session?.user.id]);

  const items = list.data?.items ?? [];
  const current = items.find((i) => i.id === selected) ?? items[0] ?? null;
  useEffect(() => { if (current && current.id !== selected) setSelected(current.id); }, [current, selected]);

  const move = useCallback((by: number) => {
    if (!items.length) return;
    const at = Math.max(0, items.findIndex((i) => i.id === current?.id));
    const next = items[Math.min(items.length - 1, Math.max(0, at + by))]!;
    setSelected(next.id);
    buttons.current.get(next.id)?.focus();
  }, [items, current?.id]);

  // j and k anywhere on the page but in a field; the arrow keys inside the queue (elsewhere they scroll).
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.altKey || e.ctrlKey || e.metaKey || typing(e.target)) return;
      if (e.key === 'j') { e.preventDefault(); move(1); }
      if (e.key === 'k') { e.preventDefault(); move(-1); }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [move]);
  const onQueueKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') { e.preventDefault(); move(1); }
    if (e.key === 'ArrowUp') { e.preventDefault(); move(-1); }
  };

  const changed = (item: InboxItem, advance: boolean) => {
    if (advance) {
      const at = items.findIndex((i) => i.id === item.id);
      const next = items[at + 1] ?? items[at - 1];
      setSelected(next?.id ?? null);
      if (next) requestAnimationFrame(() => buttons.current.get(next.id)?.focus());
    }
    void list.reload();
  };

  const forbidden = list.error instanceof ApiError && list.error.status === 403;
  return (
    <Stack>
      <Title order={1}>{t('inbox.title')}</Title>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack gap="sm" component="section" aria-label={t('inbox.filters')}>
            {companies.length > 1 && (
              <Select label={t('app.company')} data={companies.map((c) => ({ value: c.id, label: c.name }))} value={cid} allowDeselect={false}
                onChange={(v) => { setCompanyId(v); setBinderId(ANY); }} />
            )}
            <Select label={t('inbox.binder')} data={[{ value: ANY, label: t('inbox.all') }, ...(binders.data ?? []).map((b) => ({ value: b.id, label: b.name }))]}
              value={binderId} onChange={(v) => setBinderId(v ?? ANY)} allowDeselect={false} />
            <Select label={t('inbox.recipient')} data={[{ value: ANY, label: t('inbox.everyone') }, ...(users.data ?? [])]}
              value={recipientId} onChange={(v) => setRecipientId(v ?? ANY)} allowDeselect={false} />
            <div>
              <Text size="sm" fw={500} id="inbox-status-label" mb={4}>{t('inbox.statusFilter')}</Text>
              <SegmentedControl fullWidth aria-labelledby="inbox-status-label" value={status} onChange={(v) => setStatus(v as Status)}
                data={(['reading', 'to_review', 'done'] as const).map((value) => ({ value, label: t(`inbox.status.${value}`) }))} />
            </div>
            {forbidden ? <Alert color="red" role="alert" title={t('inbox.forbiddenTitle')}>{t('inbox.forbidden')}</Alert> : <ErrorAlert error={list.error} />}
            {beingRead > 0 && <Text size="sm" role="status" data-testid="inbox-being-read">{t('inbox.readingCount', { count: beingRead })}</Text>}
            {list.data && items.length === 0 && <Text c="dimmed">{status === 'to_review' ? t('inbox.emptyToReview') : status === 'reading' ? t('inbox.emptyReading') : t('inbox.emptyDone')}</Text>}
            {items.length > 0 && (
              <nav aria-label={t('inbox.queue')}>
                <Text size="xs" c="dimmed" id="inbox-keys" className="fine-pointer-only">{t('inbox.keys')}</Text>
                <ul className="inbox-queue" data-testid="inbox-queue" onKeyDown={onQueueKey} aria-describedby="inbox-keys">
                  {items.map((item) => {
                    const s = summary(item, format);
                    const low = lowCount(item);
                    return (
                      <li key={item.id}>
                        <UnstyledButton ref={(el: HTMLButtonElement | null) => { if (el) buttons.current.set(item.id, el); else buttons.current.delete(item.id); }}
                          className="inbox-queue-item" onClick={() => setSelected(item.id)} aria-current={item.id === current?.id ? 'true' : undefined}
                          data-testid={`queue-${item.id}`}>
                          <Group justify="space-between" wrap="nowrap" gap="xs">
                            <Text size="sm" fw={600} truncate>{s.title}</Text>
                            {low > 0 && <Badge color="orange" variant="light" size="sm">{t('inbox.toCheck', { count: low })}</Badge>}
                          </Group>
                          <Text size="xs" c="dimmed" truncate>{s.detail || item.filename}</Text>
                        </UnstyledButton>
                      </li>
                    );
                  })}
                </ul>
              </nav>
            )}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 8 }}>
          {current && <InboxItemPanel key={current.id} item={current} users={users.data ?? []} binders={binders.data ?? []} onChanged={changed} />}
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
