import type { ReactNode } from 'react';
import { Accordion, Badge, Group, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '../api/client';
import { useLoad } from '../api/use-load';
import { useFormat } from '../i18n/format';
import { StateBadge } from './StateBadge';

function RunItems({ runId }: { runId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const { data } = useLoad(() => unwrap(api.GET('/v1/runs/{id}', { params: { path: { id: runId }, query: { limit: 500 } } })), [runId]);
  if (!data) return <Text size="sm">{t('app.loading')}</Text>;
  if (data.items.length === 0) return <Text size="sm" c="dimmed">{t('destination.noItems')}</Text>;
  return (
    <Table.ScrollContainer minWidth={520}>
      <Table fz="sm" aria-label={t('destination.items')}>
        <Table.Thead><Table.Tr><Table.Th>{t('destination.action')}</Table.Th><Table.Th>{t('destination.outcome')}</Table.Th><Table.Th>{t('destination.path')}</Table.Th><Table.Th>{t('destination.size')}</Table.Th></Table.Tr></Table.Thead>
        <Table.Tbody>
          {data.items.map((item) => (
            <Table.Tr key={item.id}>
              <Table.Td>{t(`destination.actions.${item.action}`, { defaultValue: item.action })}</Table.Td>
              <Table.Td>
                <Badge color={item.outcome === 'ok' ? 'green' : item.error ? 'red' : 'gray'} variant="light">{t(`destination.outcomes.${item.outcome}`, { defaultValue: item.outcome })}</Badge>
                {item.error && <Text size="xs" c="red">{item.error}</Text>}
              </Table.Td>
              <Table.Td className="path">{item.remotePath ?? '—'}</Table.Td>
              <Table.Td>{format.bytes(item.bytes)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

interface RunRow { id: string; status: string; error: string | null }

/**
 * A history of runs, newest first: each one a line (when, why, what it did, its result) that
 * opens to the outcome per file. Backups and collection channels both show theirs with it.
 */
export function RunAccordion<R extends RunRow>({ runs, empty, heading, summary, badge, items }: {
  runs: R[]; empty: string; heading(run: R): string; summary(run: R): string; badge(run: R): ReactNode; items(run: R): ReactNode;
}) {
  if (runs.length === 0) return <Text c="dimmed">{empty}</Text>;
  return (
    <Accordion variant="separated" chevronPosition="left" data-testid="run-history">
      {runs.map((run) => (
        <Accordion.Item key={run.id} value={run.id}>
          <Accordion.Control>
            <Group justify="space-between" wrap="wrap" gap="xs">
              <Text size="sm">{heading(run)}</Text>
              <Group gap="xs">
                <Text size="sm" c="dimmed">{summary(run)}</Text>
                {badge(run)}
              </Group>
            </Group>
            {run.error && <Text size="xs" c="red" mt={4}>{run.error}</Text>}
          </Accordion.Control>
          <Accordion.Panel>{items(run)}</Accordion.Panel>
        </Accordion.Item>
      ))}
    </Accordion>
  );
}

/** Every pass of a destination; opening one shows what it did to each file. */
export function RunHistory({ runs }: { runs: Schemas['Run'][] }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <RunAccordion runs={runs} empty={t('destination.noRuns')}
      heading={(run) => `${format.dateTime(run.startedAt)} · ${t(`destination.triggers.${run.trigger}`, { defaultValue: run.trigger })}`}
      summary={(run) => `${t('destination.files')}: ${format.number(run.uploaded + run.moved + run.restored)}${run.failed ? ` / ${t('destination.failed')}: ${format.number(run.failed)}` : ''} · ${format.bytes(run.bytes)}`}
      badge={(run) => <StateBadge state={run.status} kind="run" />}
      items={(run) => <RunItems runId={run.id} />} />
  );
}
