import { useEffect, useState, type ReactNode } from 'react';
import { Button, Code, Group, Paper, Progress, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api, unwrap } from '../../api/client';
import { useBackupEvents, type BackupEvent } from '../../api/events';
import { useLoad } from '../../api/use-load';
import { useFormat } from '../../i18n/format';
import { ErrorAlert } from '../../components/ErrorAlert';
import { shownPath } from '../../components/FolderPicker';
import { SAMPLE } from '../wizard/NameStep';

type Live = Extract<BackupEvent, { type: 'run.progress' }> | null;

/**
 * What the wizard's last step leads to: the backup as it was set up (where, which folder, the
 * folder structure with a real example path, when it runs) and its first full backup, live,
 * with the ways to go on.
 */
export function LinkedPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const { id = '' } = useParams();
  const [live, setLive] = useState<Live>(null);
  const status = useLoad(() => unwrap(api.GET('/v1/destinations/{id}', { params: { path: { id } } })), [id]);
  const runs = useLoad(() => unwrap(api.GET('/v1/destinations/{id}/runs', { params: { path: { id }, query: { limit: 20 } } })), [id]);
  const d = status.data;
  const example = useLoad(async () => {
    if (!d) return null;
    const doc = (await unwrap(api.GET('/v1/documents', { params: { query: { companyId: d.companyId, limit: 1 } } }))).items[0];
    const { path } = await unwrap(api.POST('/v1/layouts/preview', { body: { layout: d.layout, kind: d.kind, companyId: d.companyId, ...(doc ? { documentId: doc.id } : { document: SAMPLE }) } }));
    return shownPath(d.folder ? `${d.folder}/${path}` : path);
  }, [d?.id, d?.layout, d?.folder]);

  useBackupEvents((e) => {
    if (e.type === 'run.progress') setLive(e);
    if (e.type === 'run.started' || e.type === 'run.finished') { if (e.type === 'run.finished') setLive(null); void runs.reload(); void status.reload(); }
  }, id);
  // The first full backup: the oldest pass, as the list is newest first.
  const run = runs.data?.items.find((r) => r.trigger === 'initial') ?? runs.data?.items.at(-1) ?? null;
  const finished = !!run?.finishedAt;
  // The stream can open after the first pass began or ended: ask again until it is over.
  useEffect(() => {
    if (finished) return undefined;
    const timer = setInterval(() => { void runs.reload(); void status.reload(); }, 2000);
    return () => clearInterval(timer);
  }, [finished, runs, status]);

  if (!d) return <Stack><ErrorAlert error={status.error} />{!status.error && <Text>{t('app.loading')}</Text>}</Stack>;
  const rows: Array<[string, ReactNode]> = [
    [t('linked.destination'), t(`integrations.kinds.${d.kind}.title`, { defaultValue: d.kind })],
    [t('linked.folder'), <Code className="path">{shownPath(d.folder ?? '')}</Code>],
    [t('linked.layout'), t(`wizard.presets.${d.layout}`, { defaultValue: '' }) || <Code>{d.layout}</Code>],
    [t('linked.example'), <Code className="path" data-testid="linked-example" style={{ overflowWrap: 'anywhere', whiteSpace: 'normal' }}>{example.data ?? '…'}</Code>],
    [t('linked.schedule'), d.schedule === 'continuous' ? t('wizard.continuous') : `${t('wizard.daily')}, ${d.schedule.slice(6)}`],
  ];
  const percent = live && live.planned > 0 ? Math.round((live.done / live.planned) * 100) : finished ? 100 : 0;
  const copied = d.documents.synced;
  const firstText = !run ? t('linked.firstWaiting')
    : !finished ? t('linked.firstStarted')
      : run.status !== 'done' ? t('linked.firstFailed')
        : copied > 0 ? t('linked.firstDone', { count: copied }) : t('linked.firstDoneNone');

  return (
    <Stack maw={760}>
      <Title order={1}>{t('linked.title')}</Title>
      <Text>{t('linked.intro', { name: d.name })}</Text>
      <Table variant="vertical" layout="fixed" withTableBorder>
        <Table.Tbody>
          {rows.map(([k, v]) => <Table.Tr key={k}><Table.Th w="35%">{k}</Table.Th><Table.Td style={{ overflowWrap: 'anywhere' }}>{v}</Table.Td></Table.Tr>)}
        </Table.Tbody>
      </Table>
      <Paper withBorder p="md" aria-live="polite" data-testid="first-backup">
        <Stack gap={6}>
          <Text fw={500}>{t('linked.first')}</Text>
          <Text size="sm" c={finished && run?.status !== 'done' ? 'red' : undefined}>{firstText}</Text>
          {live && <Text size="sm">{t('destination.progress', { done: format.number(live.done), planned: format.number(live.planned), bytes: format.bytes(live.bytes) })}</Text>}
          <Progress value={percent} animated={!finished} aria-label={t('linked.first')} />
        </Stack>
      </Paper>
      <Title order={2} size="h3">{t('linked.next')}</Title>
      <Group gap="sm">
        <Button component={Link} to={`/destinations/${d.id}`}>{t('linked.openBackup')}</Button>
        <Button component={Link} to="/documents" variant="default">{t('linked.uploadDocuments')}</Button>
        <Button component={Link} to="/integrations" variant="default">{t('linked.anotherBackup')}</Button>
        <Button component={Link} to="/home" variant="subtle">{t('linked.overview')}</Button>
      </Group>
    </Stack>
  );
}
