import { useState } from 'react';
import { Alert, Button, Code, Group, Modal, Paper, Progress, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, unwrap } from '../api/client';
import { useBackupEvents, type BackupEvent } from '../api/events';
import { useLoad } from '../api/use-load';
import { useFormat } from '../i18n/format';
import { ErrorAlert } from '../components/ErrorAlert';
import { RunHistory } from '../components/RunHistory';
import { StateBadge } from '../components/StateBadge';

type Live = Extract<BackupEvent, { type: 'run.progress' }> | null;

function Counts({ documents }: { documents: { synced: number; pending: number; failed: number } }) {
  const { t } = useTranslation();
  const format = useFormat();
  const cells: Array<[string, number, string]> = [['synced', documents.synced, 'green'], ['pending', documents.pending, 'blue'], ['failed', documents.failed, 'red']];
  return (
    <SimpleGrid cols={{ base: 3 }}>
      {cells.map(([k, n, c]) => (
        <Paper key={k} withBorder p="sm">
          <Text size="xs" c="dimmed" tt="uppercase">{t(`destination.${k}`)}</Text>
          <Text size="xl" fw={700} c={n > 0 ? c : undefined} data-testid={`count-${k}`}>{format.number(n)}</Text>
        </Paper>
      ))}
    </SimpleGrid>
  );
}

/** One destination: its state and why, counts, the pass in progress (live), its history, and what can be done with it. */
export function DestinationPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const navigate = useNavigate();
  const { id = '' } = useParams();
  const [live, setLive] = useState<Live>(null);
  const [error, setError] = useState<unknown>(null);
  const [removing, removeDialog] = useDisclosure(false);
  const status = useLoad(() => unwrap(api.GET('/v1/destinations/{id}', { params: { path: { id } } })), [id]);
  const runs = useLoad(() => unwrap(api.GET('/v1/destinations/{id}/runs', { params: { path: { id }, query: { limit: 20 } } })), [id]);

  useBackupEvents((e) => {
    if (e.type === 'run.progress') setLive(e);
    if (e.type === 'run.started') { setLive({ type: 'run.progress', destinationId: e.destinationId, runId: e.runId, done: 0, planned: 0, bytes: 0 }); void runs.reload(); }
    if (e.type === 'run.finished') { setLive(null); void status.reload(); void runs.reload(); }
    if (e.type === 'destination.changed') void status.reload();
  }, id);

  const act = async (what: () => Promise<unknown>, done?: string) => {
    setError(null);
    try {
      await what();
      if (done) notifications.show({ message: done, color: 'green' });
      await status.reload();
    } catch (e) { setError(e); }
  };
  const reconnect = async (connectionId: string) => {
    setError(null);
    try {
      const { url } = await unwrap(api.POST('/v1/connections/{id}/reconnect', { params: { path: { id: connectionId } }, body: { returnTo: window.location.href.split('?')[0] } }));
      window.location.assign(url);
    } catch (e) { setError(e); }
  };
  const remove = async () => {
    removeDialog.close();
    await act(() => unwrap(api.DELETE('/v1/destinations/{id}', { params: { path: { id } } })));
    navigate('/destinations');
  };

  const d = status.data;
  if (!d) return <Stack><ErrorAlert error={status.error} />{!status.error && <Text>{t('app.loading')}</Text>}</Stack>;
  const percent = live && live.planned > 0 ? Math.round((live.done / live.planned) * 100) : 0;

  return (
    <Stack maw={960}>
      <Group justify="space-between" wrap="wrap">
        <Group gap="sm"><Title order={1}>{d.name}</Title><StateBadge state={d.state} /></Group>
        {d.state !== 'removed' && (
          <Group gap="xs">
            {d.state === 'paused'
              ? <Button onClick={() => void act(() => unwrap(api.POST('/v1/destinations/{id}/resume', { params: { path: { id } } })))}>{t('destination.resume')}</Button>
              : <Button variant="default" onClick={() => void act(() => unwrap(api.POST('/v1/destinations/{id}/pause', { params: { path: { id } } })))}>{t('destination.pause')}</Button>}
            <Button variant="light" disabled={d.state === 'paused'} onClick={() => void act(() => unwrap(api.POST('/v1/destinations/{id}/sync', { params: { path: { id } } })), t('destination.syncQueued'))}>{t('destination.syncNow')}</Button>
            <Button variant="default" component={Link} to={`/destinations/${id}/edit`}>{t('destinationEdit.edit')}</Button>
            <Button color="red" variant="subtle" onClick={removeDialog.open}>{t('destination.remove')}</Button>
          </Group>
        )}
      </Group>
      <ErrorAlert error={error} />
      {d.stateReason && d.state !== 'active' && (
        <Alert color={d.state === 'needs_attention' ? 'orange' : 'gray'} role="status">
          <Stack gap="xs">
            <Text size="sm">{d.stateReason}</Text>
            {d.connection?.reconnect && <Button w="fit-content" onClick={() => void reconnect(d.connection!.id)}>{t('destination.reconnect')}</Button>}
          </Stack>
        </Alert>
      )}
      <Text size="sm" c="dimmed">
        {t(`integrations.kinds.${d.kind}.title`, { defaultValue: d.kind })} · {t('destination.layout')}: {t(`wizard.presets.${d.layout}`, { defaultValue: '' }) || <Code>{d.layout}</Code>}
        {d.folder !== null && <> · <Code className="path">/{d.folder}</Code></>} · {t('destination.schedule')}: {d.schedule === 'continuous' ? t('wizard.continuous') : `${t('wizard.daily')}, ${d.schedule.slice(6)}`}
        {d.startDate && <> · {t('destination.startDate')}: {format.date(d.startDate)}</>}
      </Text>
      <Counts documents={d.documents} />
      {d.quota && d.quota.free !== null && d.quota.total !== null && (
        <Text size="sm">{t('destination.space', { free: format.bytes(d.quota.free), total: format.bytes(d.quota.total) })}</Text>
      )}
      {d.quota?.warning && <Alert color="orange">{d.quota.warning}</Alert>}
      <Paper withBorder p="md" aria-live="polite" data-testid="live-progress">
        {live
          ? <Stack gap={6}>
            <Text size="sm">{t('destination.progress', { done: format.number(live.done), planned: format.number(live.planned), bytes: format.bytes(live.bytes) })}</Text>
            <Progress value={percent} animated aria-label={t('destination.progress', { done: live.done, planned: live.planned, bytes: format.bytes(live.bytes) })} />
          </Stack>
          : <Text size="sm" c="dimmed">{t('destination.idle')}</Text>}
      </Paper>
      <Title order={2} size="h3">{t('destination.history')}</Title>
      <RunHistory runs={runs.data?.items ?? []} />
      <Modal opened={removing} onClose={removeDialog.close} title={t('destination.remove')} centered>
        <Stack>
          <Text>{t('destination.removeConfirm', { name: d.name })}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={removeDialog.close}>{t('common.cancel')}</Button>
            <Button color="red" onClick={() => void remove()}>{t('common.remove')}</Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
