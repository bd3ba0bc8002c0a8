import { Anchor, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { api, unwrap } from '../api/client';
import { useCompany } from '../api/company';
import { useBackupEvents } from '../api/events';
import { useLoad } from '../api/use-load';
import { ErrorAlert } from '../components/ErrorAlert';
import { StateBadge } from '../components/StateBadge';

export function DestinationsPage() {
  const { t } = useTranslation();
  const { company } = useCompany();
  const [params] = useSearchParams();
  const kind = params.get('kind');
  const { data, error, reload } = useLoad(async () => (company
    ? (await unwrap(api.GET('/v1/destinations', { params: { query: { companyId: company.id } } }))).items.filter((d) => d.state !== 'removed' && (!kind || d.kind === kind))
    : []), [company?.id, kind]);
  useBackupEvents((e) => { if (e.type === 'destination.changed') void reload(); });

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>{t('destination.list')}</Title>
        <Button component={Link} to="/integrations">{t('destination.add')}</Button>
      </Group>
      <ErrorAlert error={error} />
      {data && data.length === 0 && <Text c="dimmed">{t('destination.empty')}</Text>}
      {data && data.length > 0 && (
        <Table.ScrollContainer minWidth={420}>
          <Table striped>
            <Table.Thead><Table.Tr><Table.Th>{t('wizard.name')}</Table.Th><Table.Th>{t('destination.kind')}</Table.Th><Table.Th>{t('destination.status')}</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {data.map((d) => (
                <Table.Tr key={d.id}>
                  <Table.Td><Anchor component={Link} to={`/destinations/${d.id}`}>{d.name}</Anchor></Table.Td>
                  <Table.Td>{t(`integrations.kinds.${d.kind}.title`, { defaultValue: d.kind })}</Table.Td>
                  <Table.Td><StateBadge state={d.state} /></Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
