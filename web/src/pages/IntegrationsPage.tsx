import { Badge, Button, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, unwrap, type Schemas } from '../api/client';
import { useCompany } from '../api/company';
import { useLoad } from '../api/use-load';
import { ErrorAlert } from '../components/ErrorAlert';
import { StateBadge } from '../components/StateBadge';
import { BACKUP_KINDS, OAUTH_KINDS, type BackupKind } from '../kinds';

interface CardState { kind: BackupKind; available: boolean; sandbox: boolean; destinations: Schemas['Destination'][] }

/** The worst state among a kind's destinations says what the card shows. */
function summary(destinations: Schemas['Destination'][]): string {
  if (destinations.length === 0) return 'notSetUp';
  if (destinations.some((d) => d.state === 'needs_attention')) return 'needs_attention';
  if (destinations.every((d) => d.state === 'paused')) return 'paused';
  return 'active';
}

export function IntegrationCard({ card }: { card: CardState }) {
  const { t } = useTranslation();
  const { kind, available, sandbox, destinations } = card;
  const state = available ? summary(destinations) : 'unavailable';
  const first = destinations[0];
  return (
    <Card withBorder padding="lg" component="article" aria-labelledby={`card-${kind}`} data-testid={`integration-${kind}`}>
      <Stack gap="xs" h="100%">
        <Group justify="space-between" wrap="nowrap">
          <Title order={3} size="h4" id={`card-${kind}`}>{t(`integrations.kinds.${kind}.title`)}</Title>
          <StateBadge state={state} />
        </Group>
        {sandbox && <Badge color="yellow" variant="outline" w="fit-content">{t('common.sandbox')}</Badge>}
        <Text size="sm" c="dimmed" style={{ flexGrow: 1 }}>{available ? t(`integrations.kinds.${kind}.description`) : t('integrations.notOffered')}</Text>
        {destinations.length > 0 && <Text size="sm">{t('integrations.destinations', { count: destinations.length })}</Text>}
        <Group gap="xs">
          {available && destinations.length === 0 && (
            <Button component={Link} to={`/destinations/new?kind=${kind}`} aria-label={`${t('integrations.activate')}: ${t(`integrations.kinds.${kind}.title`)}`}>{t('integrations.activate')}</Button>
          )}
          {first && (
            <Button component={Link} to={destinations.length === 1 ? `/destinations/${first.id}` : `/destinations?kind=${kind}`} variant="light">{t('integrations.configure')}</Button>
          )}
          {available && destinations.length > 0 && (
            <Button component={Link} to={`/destinations/new?kind=${kind}`} variant="subtle">{t('integrations.addAnother')}</Button>
          )}
        </Group>
      </Stack>
    </Card>
  );
}

export function IntegrationsPage() {
  const { t } = useTranslation();
  const { company } = useCompany();
  const { data, error } = useLoad(async () => {
    if (!company) return null;
    const [kinds, providers, destinations] = await Promise.all([
      unwrap(api.GET('/v1/destination-kinds')),
      unwrap(api.GET('/v1/providers')),
      unwrap(api.GET('/v1/destinations', { params: { query: { companyId: company.id } } })),
    ]);
    const offered = new Set(kinds.items.map((k) => k.kind));
    return BACKUP_KINDS.map((kind): CardState => {
      const ofKind = providers.items.filter((p) => p.kind === kind);
      return {
        kind,
        available: offered.has(kind) && (!OAUTH_KINDS.has(kind) || ofKind.length > 0),
        sandbox: ofKind.length > 0 && ofKind.every((p) => p.sandbox),
        destinations: destinations.items.filter((d) => d.kind === kind && d.state !== 'removed'),
      };
    });
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
            {(data ?? []).map((card) => <IntegrationCard key={card.kind} card={card} />)}
          </SimpleGrid>
        </Stack>
      </section>
    </Stack>
  );
}
