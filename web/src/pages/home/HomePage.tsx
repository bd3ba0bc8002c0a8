import { Anchor, Button, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, unwrap } from '../../api/client';
import { useCompany } from '../../api/company';
import { useProviders } from '../../api/sandbox';
import { useLoad } from '../../api/use-load';
import { useFormat } from '../../i18n/format';
import { ErrorAlert } from '../../components/ErrorAlert';
import { StateBadge } from '../../components/StateBadge';
import { CollectionHistory } from './CollectionHistory';
import { todoOf } from './todo';

interface Card {
  id: string; name: string; to: string; state: string; stateReason: string | null; badge: 'state' | 'channel';
  lastRun: { at: string; status: string; failed: number; badge: 'run' | 'collectRun' } | null;
}

/** One backup or channel: its state, its last run with failures, and what to do about it. */
function StatusCard({ card }: { card: Card }) {
  const { t } = useTranslation();
  const format = useFormat();
  const todo = todoOf(card.state, card.lastRun, card.stateReason);
  return (
    <Paper withBorder p="sm" data-testid="status-card">
      <Stack gap={4}>
        <Group justify="space-between" wrap="nowrap" gap="xs">
          <Anchor component={Link} to={card.to} fw={600} truncate>{card.name}</Anchor>
          <StateBadge state={card.state} kind={card.badge} />
        </Group>
        <Text size="sm" c="dimmed">
          {card.lastRun
            ? <>{t('home.lastRun', { when: format.dateTime(card.lastRun.at) })} · <StateBadge state={card.lastRun.status} kind={card.lastRun.badge} />
              {card.lastRun.failed > 0 && <> · {t('home.failures', { count: card.lastRun.failed })}</>}</>
            : t('home.noRun')}
        </Text>
        <Text size="sm" c={todo ? undefined : 'green'}>
          {todo === 'reason' ? card.stateReason : todo ? t(`home.todo.${todo}`) : t('home.allWell')}
        </Text>
      </Stack>
    </Paper>
  );
}

/**
 * The first page after signing in: every backup and collection channel of the company with its
 * state, last run, failures and what to do; then the collection history across all channels.
 */
export function HomePage() {
  const { t } = useTranslation();
  const { company } = useCompany();
  const companyId = company?.id;
  const providers = useProviders();
  const sandbox = providers.some((p) => p.sandbox);
  const backups = useLoad(async () => {
    if (!companyId) return [];
    const items = (await unwrap(api.GET('/v1/destinations', { params: { query: { companyId } } }))).items.filter((d) => d.state !== 'removed');
    return Promise.all(items.map(async (d): Promise<Card> => {
      const run = (await unwrap(api.GET('/v1/destinations/{id}/runs', { params: { path: { id: d.id }, query: { limit: 1 } } }))).items[0];
      return { id: d.id, name: d.name, to: `/destinations/${d.id}`, state: d.state, stateReason: d.stateReason, badge: 'state',
        lastRun: run ? { at: run.startedAt, status: run.status, failed: run.failed, badge: 'run' } : null };
    }));
  }, [companyId]);
  const channels = useLoad(async () => {
    if (!companyId) return [];
    const [list, runs] = await Promise.all([
      unwrap(api.GET('/v1/channels', { params: { query: { companyId } } })),
      unwrap(api.GET('/v1/collect-runs', { params: { query: { companyId, limit: 200 } } })),
    ]);
    return list.items.filter((c) => c.state !== 'removed').map((c): Card => {
      const run = runs.items.find((r) => r.channelId === c.id);
      return { id: c.id, name: c.name, to: `/collection/${c.id}`, state: c.state, stateReason: c.stateReason, badge: 'channel',
        lastRun: run ? { at: run.startedAt ?? run.queuedAt, status: run.status, failed: run.failed, badge: 'collectRun' } : null };
    });
  }, [companyId]);

  return (
    <Stack maw={1100}>
      <Title order={1}>{t('home.title')}</Title>
      <ErrorAlert error={backups.error ?? channels.error} />
      {sandbox && (
        <Paper withBorder p="sm" data-testid="sandbox-hint">
          <Group justify="space-between" gap="xs">
            <Text size="sm">{t('sandbox.tryIt')}</Text>
            <Button component={Link} to="/sandbox/" variant="light" size="xs">{t('sandbox.try')}</Button>
          </Group>
        </Paper>
      )}
      <Title order={2} size="h3">{t('home.backups')}</Title>
      {backups.data?.length === 0 && <Text c="dimmed">{t('home.noBackups')} <Anchor component={Link} to="/integrations">{t('nav.integrations')}</Anchor></Text>}
      {/* A first backup one click away: each connectable account starts its wizard from here. */}
      {backups.data?.length === 0 && providers.length > 0 && (
        <Group gap="xs" data-testid="first-backup-shortcuts">
          {[...new Set(providers.map((p) => p.kind))].map((kind) => {
            const title = t(`integrations.kinds.${kind}.title`, { defaultValue: kind });
            return <Button key={kind} component={Link} to={`/destinations/new?kind=${kind}`} variant="light" size="xs" aria-label={`${t('integrations.activate')}: ${title}`}>{title}</Button>;
          })}
        </Group>
      )}
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} data-testid="backups">{backups.data?.map((c) => <StatusCard key={c.id} card={c} />)}</SimpleGrid>
      <Title order={2} size="h3">{t('home.channels')}</Title>
      {channels.data?.length === 0 && <Text c="dimmed">{t('home.noChannels')} <Anchor component={Link} to="/collection/new">{t('collect.add')}</Anchor></Text>}
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} data-testid="channels">{channels.data?.map((c) => <StatusCard key={c.id} card={c} />)}</SimpleGrid>
      {companyId && <CollectionHistory companyId={companyId} channels={(channels.data ?? []).map((c) => ({ id: c.id, name: c.name }))} />}
    </Stack>
  );
}
