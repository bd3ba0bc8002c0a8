import { Anchor, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { api, unwrap } from '../../api/client';
import { useCompany } from '../../api/company';
import { useRight } from '../../api/rights';
import { useLoad } from '../../api/use-load';
import { ErrorAlert } from '../../components/ErrorAlert';
import { StateBadge } from '../../components/StateBadge';

/** The company's collection channels (?kind= shows one source's); "New channel" only for who may configure collection. */
export function ChannelsPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const kind = params.get('kind');
  const { company } = useCompany();
  const canConfigure = useRight('configure_collection');
  const { data, error } = useLoad(async () => (company
    ? (await unwrap(api.GET('/v1/channels', { params: { query: { companyId: company.id } } }))).items.filter((c) => c.state !== 'removed' && (!kind || c.kind === kind))
    : []), [company?.id, kind]);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>{t('collect.title')}</Title>
        {canConfigure && <Button component={Link} to={kind ? `/collection/new?kind=${kind}` : '/collection/new'}>{t('collect.add')}</Button>}
      </Group>
      <Text c="dimmed" size="sm">{t('collect.intro')}</Text>
      {kind && (
        <Text size="sm" data-testid="kind-filter">
          {t('collect.onlyKind', { kind: t(`collect.kinds.${kind}`, { defaultValue: kind }) })}{' '}
          <Anchor component={Link} to="/collection">{t('collect.showAll')}</Anchor>
        </Text>
      )}
      <ErrorAlert error={error} />
      {data && data.length === 0 && <Text c="dimmed">{t('collect.empty')}</Text>}
      {data && data.length > 0 && (
        <Table.ScrollContainer minWidth={420}>
          <Table striped>
            <Table.Thead><Table.Tr><Table.Th>{t('collect.name')}</Table.Th><Table.Th>{t('collect.kind')}</Table.Th><Table.Th>{t('collect.collectAt')}</Table.Th><Table.Th>{t('destination.status')}</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {data.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td><Anchor component={Link} to={`/collection/${c.id}`}>{c.name}</Anchor></Table.Td>
                  <Table.Td>{t(`collect.kinds.${c.kind}`)}</Table.Td>
                  <Table.Td>{c.collectAt}</Table.Td>
                  <Table.Td><StateBadge state={c.state} kind="channel" /></Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
