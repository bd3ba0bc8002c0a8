import { useState } from 'react';
import { Anchor, Button, Group, NativeSelect, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, unwrap, type Schemas } from '../../api/client';
import { useLoad } from '../../api/use-load';
import { useFormat } from '../../i18n/format';
import { ErrorAlert } from '../../components/ErrorAlert';
import { StateBadge } from '../../components/StateBadge';

type Run = Schemas['CollectRun'] & { channelName: string };
const STATUS_FILTERS = { all: undefined, problems: 'failed,done_with_errors,interrupted', done: 'done' } as const;

/** Every collection run of the company, newest first: one list across channels, by channel and outcome, a page at a time. */
export function CollectionHistory({ companyId, channels }: { companyId: string; channels: Array<{ id: string; name: string }> }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [channelId, setChannelId] = useState('');
  const [status, setStatus] = useState<keyof typeof STATUS_FILTERS>('all');
  const [more, setMore] = useState<{ items: Run[]; next: string | null } | null>(null);
  const query = { companyId, ...(channelId && { channelId }), ...(STATUS_FILTERS[status] && { status: STATUS_FILTERS[status] }), limit: 25 };
  const first = useLoad(async () => { setMore(null); return unwrap(api.GET('/v1/collect-runs', { params: { query } })); }, [companyId, channelId, status]);
  const runs = [...(first.data?.items ?? []), ...(more?.items ?? [])];
  const next = more ? more.next : first.data?.next ?? null;
  const loadMore = async () => {
    if (!next) return;
    const page = await unwrap(api.GET('/v1/collect-runs', { params: { query: { ...query, cursor: next } } }));
    setMore((m) => ({ items: [...(m?.items ?? []), ...page.items], next: page.next }));
  };

  return (
    <Stack gap="sm" component="section" aria-labelledby="collection-history">
      <Title order={2} size="h3" id="collection-history">{t('home.history')}</Title>
      <Group gap="sm" wrap="wrap">
        <NativeSelect label={t('home.channel')} value={channelId} onChange={(e) => setChannelId(e.currentTarget.value)}
          data={[{ value: '', label: t('home.allChannels') }, ...channels.map((c) => ({ value: c.id, label: c.name }))]} />
        <NativeSelect label={t('home.outcome')} value={status} onChange={(e) => setStatus(e.currentTarget.value as keyof typeof STATUS_FILTERS)}
          data={(Object.keys(STATUS_FILTERS) as Array<keyof typeof STATUS_FILTERS>).map((k) => ({ value: k, label: t(`home.outcomes.${k}`) }))} />
      </Group>
      <ErrorAlert error={first.error} />
      {first.data && runs.length === 0 && <Text c="dimmed">{t('home.noHistory')}</Text>}
      {runs.length > 0 && (
        <Table.ScrollContainer minWidth={360}>
          <Table striped data-testid="collection-history">
            <Table.Thead><Table.Tr><Table.Th>{t('destination.started')}</Table.Th><Table.Th>{t('home.channel')}</Table.Th><Table.Th>{t('destination.status')}</Table.Th><Table.Th>{t('home.collected')}</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {runs.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td>{format.dateTime(r.startedAt ?? r.queuedAt)}</Table.Td>
                  <Table.Td><Anchor component={Link} to={`/collection/${r.channelId}`}>{r.channelName}</Anchor></Table.Td>
                  <Table.Td><StateBadge state={r.status} kind="collectRun" /></Table.Td>
                  <Table.Td>{r.collected}{r.failed > 0 && ` · ${t('home.failures', { count: r.failed })}`}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {next && <Group><Button variant="default" onClick={() => void loadMore()}>{t('common.loadMore')}</Button></Group>}
    </Stack>
  );
}
