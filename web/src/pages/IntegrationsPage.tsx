import type { ReactNode } from 'react';
import { Badge, Button, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, unwrap, type Schemas } from '../api/client';
import { useCompany } from '../api/company';
import { useRight } from '../api/rights';
import { useLoad } from '../api/use-load';
import { ErrorAlert } from '../components/ErrorAlert';
import { StateBadge } from '../components/StateBadge';
import { BACKUP_KINDS, COLLECTION_KINDS, OAUTH_KINDS, type BackupKind, type CollectionKind } from '../kinds';

type Destination = Schemas['Destination'];
type Channel = Schemas['Channel'];
interface BackupCard { kind: BackupKind; available: boolean; sandbox: boolean; destinations: Destination[] }
interface CollectionCard { kind: CollectionKind; available: boolean; sandbox: boolean; channels: Channel[] }

/** The worst state among a kind's destinations says what the card shows. */
function backupSummary(destinations: Destination[]): string {
  if (destinations.length === 0) return 'notSetUp';
  if (destinations.some((d) => d.state === 'needs_attention')) return 'needs_attention';
  if (destinations.every((d) => d.state === 'paused')) return 'paused';
  return 'active';
}

/** Worse first: a channel that needs attention outweighs one waiting for its client, which outweighs a paused one. */
const CHANNEL_WORST_FIRST = ['needs_attention', 'waiting_for_client', 'paused', 'active'] as const;
function collectionSummary(channels: Channel[]): string {
  if (channels.length === 0) return 'notSetUp';
  return CHANNEL_WORST_FIRST.find((s) => channels.some((c) => c.state === s)) ?? 'active';
}

/** One integration: its name, state, what it does (or that it is not offered here), and what the user can do with it. */
function IntegrationCard({ testId, title, state, sandbox, description, count, children }: {
  testId: string; title: string; state: ReactNode; sandbox: boolean; description: string; count: string | null; children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Card withBorder padding="lg" component="article" aria-labelledby={`card-${testId}`} data-testid={testId}>
      <Stack gap="xs" h="100%">
        <Group justify="space-between" wrap="nowrap">
          <Title order={3} size="h4" id={`card-${testId}`}>{title}</Title>
          {state}
        </Group>
        {sandbox && <Badge color="yellow" variant="outline" w="fit-content">{t('common.sandbox')}</Badge>}
        <Text size="sm" c="dimmed" style={{ flexGrow: 1 }}>{description}</Text>
        {count && <Text size="sm">{count}</Text>}
        <Group gap="xs">{children}</Group>
      </Stack>
    </Card>
  );
}

export function BackupIntegrationCard({ card }: { card: BackupCard }) {
  const { t } = useTranslation();
  const { kind, available, sandbox, destinations } = card;
  const title = t(`integrations.kinds.${kind}.title`);
  const first = destinations[0];
  return (
    <IntegrationCard testId={`integration-${kind}`} title={title} state={<StateBadge state={available ? backupSummary(destinations) : 'unavailable'} />} sandbox={sandbox}
      description={available ? t(`integrations.kinds.${kind}.description`) : t('integrations.notOffered')}
      count={destinations.length > 0 ? t('integrations.destinations', { count: destinations.length }) : null}>
      {available && destinations.length === 0 && (
        <Button component={Link} to={`/destinations/new?kind=${kind}`} aria-label={`${t('integrations.activate')}: ${title}`}>{t('integrations.activate')}</Button>
      )}
      {first && (
        <Button component={Link} to={destinations.length === 1 ? `/destinations/${first.id}` : `/destinations?kind=${kind}`} variant="light">{t('integrations.configure')}</Button>
      )}
      {available && destinations.length > 0 && (
        <Button component={Link} to={`/destinations/new?kind=${kind}`} variant="subtle">{t('integrations.addAnother')}</Button>
      )}
    </IntegrationCard>
  );
}

/** A collection source; only who may configure collection is offered to activate or configure it, the others see its state. */
export function CollectionIntegrationCard({ card, canConfigure }: { card: CollectionCard; canConfigure: boolean }) {
  const { t } = useTranslation();
  const { kind, available, sandbox, channels } = card;
  const title = t(`integrations.kinds.${kind}.title`);
  // "Activate: Collect documents from OneDrive", apart from the backup card's "Activate: OneDrive".
  const named = (action: string) => `${t(action)}: ${t('integrations.collectionSection')} ${title}`;
  const channelState = available ? collectionSummary(channels) : 'unavailable';
  return (
    <IntegrationCard testId={`collection-${kind}`} title={title} sandbox={sandbox}
      state={<StateBadge state={channelState} kind={channelState === 'notSetUp' || channelState === 'unavailable' ? 'state' : 'channel'} />}
      description={available ? t(`integrations.collectFrom.${kind}`) : t('integrations.notOffered')}
      count={channels.length > 0 ? t('integrations.channels', { count: channels.length }) : null}>
      {canConfigure && available && (
        <Button component={Link} to={`/collection/new?kind=${kind}`} variant={channels.length === 0 ? 'filled' : 'subtle'}
          aria-label={named(channels.length === 0 ? 'integrations.activate' : 'integrations.addAnother')}>
          {t(channels.length === 0 ? 'integrations.activate' : 'integrations.addAnother')}
        </Button>
      )}
      {canConfigure && channels.length > 0 && (
        <Button component={Link} to={`/collection?kind=${kind}`} variant="light" aria-label={named('integrations.configure')}>{t('integrations.configure')}</Button>
      )}
    </IntegrationCard>
  );
}

/** Providers configured for a kind decide whether an OAuth integration is offered, and whether it is only the sandbox. */
function offering(providers: Schemas['Provider'][], kind: string) {
  const ofKind = providers.filter((p) => p.kind === kind);
  return { hasProvider: !OAUTH_KINDS.has(kind) || ofKind.length > 0, sandbox: ofKind.length > 0 && ofKind.every((p) => p.sandbox) };
}

export function IntegrationsPage() {
  const { t } = useTranslation();
  const { company } = useCompany();
  const canConfigureCollection = useRight('configure_collection');
  const { data, error } = useLoad(async () => {
    if (!company) return null;
    const companyId = company.id;
    const [kinds, providers, destinations, channels] = await Promise.all([
      unwrap(api.GET('/v1/destination-kinds')),
      unwrap(api.GET('/v1/providers')),
      unwrap(api.GET('/v1/destinations', { params: { query: { companyId } } })),
      unwrap(api.GET('/v1/channels', { params: { query: { companyId } } })),
    ]);
    const offered = new Set(kinds.items.map((k) => k.kind));
    const backup = BACKUP_KINDS.map((kind): BackupCard => {
      const { hasProvider, sandbox } = offering(providers.items, kind);
      return { kind, available: offered.has(kind) && hasProvider, sandbox, destinations: destinations.items.filter((d) => d.kind === kind && d.state !== 'removed') };
    });
    const collection = COLLECTION_KINDS.map((kind): CollectionCard => {
      const { hasProvider, sandbox } = offering(providers.items, kind);
      return { kind, available: hasProvider, sandbox, channels: channels.items.filter((c) => c.kind === kind && c.state !== 'removed') };
    });
    return { backup, collection };
  }, [company?.id]);

  return (
    <Stack>
      <Title order={1}>{t('integrations.title')}</Title>
      <ErrorAlert error={error} />
      <section aria-labelledby="backup-section">
        <Stack>
          <Title order={2} size="h3" id="backup-section">{t('integrations.backupSection')}</Title>
          {company && <Text c="dimmed">{t('integrations.intro', { company: company.name })}</Text>}
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
            {(data?.backup ?? []).map((card) => <BackupIntegrationCard key={card.kind} card={card} />)}
          </SimpleGrid>
        </Stack>
      </section>
      <section aria-labelledby="collection-section">
        <Stack>
          <Title order={2} size="h3" id="collection-section">{t('integrations.collectionSection')}</Title>
          {company && <Text c="dimmed">{t('integrations.collectionIntro', { company: company.name })}</Text>}
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
            {(data?.collection ?? []).map((card) => <CollectionIntegrationCard key={card.kind} card={card} canConfigure={canConfigureCollection} />)}
          </SimpleGrid>
        </Stack>
      </section>
    </Stack>
  );
}
