import { useState } from 'react';
import { Alert, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { api, unwrap, type Schemas } from '../../api/client';
import { useLoad } from '../../api/use-load';
import { ErrorAlert } from '../../components/ErrorAlert';
import type { BackupKind } from '../../kinds';
import { NameStep } from '../wizard/NameStep';
import { ScheduleStep } from '../wizard/ScheduleStep';
import { newDraft, scheduleOf, type Draft } from '../wizard/draft';

type Status = Schemas['DestinationStatus'];
type Preview = Schemas['ChangePreview'];

/** The wizard's draft, filled from a destination as it is: the same steps edit it. */
function draftOf(d: Status, presets: readonly string[]): Draft {
  const daily = /^daily@(\d\d:\d\d)$/.exec(d.schedule)?.[1];
  return {
    ...newDraft(d.kind as BackupKind, d.name), layout: d.layout, customLayout: !presets.includes(d.layout), startDate: d.startDate ?? '',
    schedule: daily ? 'daily' : 'continuous', dailyAt: daily ?? '23:30', restoreDeleted: d.restoreDeleted, respectFolderDeletions: d.respectFolderDeletions,
  };
}

/**
 * Changing a backup after it is made: name, folder structure, start date, schedule and options.
 * A new structure or start date is previewed first (how many files would move, be sent again or
 * stay out), since the next pass applies it to every file already there.
 */
export function EditDestinationPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { id = '' } = useParams();
  const loaded = useLoad(async () => {
    const [status, layouts] = await Promise.all([
      unwrap(api.GET('/v1/destinations/{id}', { params: { path: { id } } })), unwrap(api.GET('/v1/layouts')),
    ]);
    return { status, presets: layouts.presets.map((p) => p.name) };
  }, [id]);
  if (!loaded.data) return <Stack><ErrorAlert error={loaded.error} />{!loaded.error && <Text>{t('app.loading')}</Text>}</Stack>;
  return <EditForm key={loaded.data.status.updatedAt} status={loaded.data.status} initial={draftOf(loaded.data.status, loaded.data.presets)} onDone={() => navigate(`/destinations/${id}`)} />;
}

function EditForm({ status, initial, onDone }: { status: Status; initial: Draft; onDone(): void }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState(initial);
  const [preview, setPreview] = useState<{ key: string; counts: Preview } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const update = (p: Partial<Draft>) => setDraft((d) => ({ ...d, ...p }));
  const startDate = draft.startDate || null;
  const replans = draft.layout !== initial.layout || startDate !== (initial.startDate || null);
  const previewKey = `${draft.layout}|${startDate}`;
  const previewed = preview?.key === previewKey ? preview.counts : null;

  const check = async () => {
    setBusy(true); setError(null);
    try {
      const counts = await unwrap(api.POST('/v1/destinations/{id}/preview-change', { params: { path: { id: status.id } }, body: { layout: draft.layout, startDate } }));
      setPreview({ key: previewKey, counts });
    } catch (e) { setError(e); } finally { setBusy(false); }
  };
  const save = async () => {
    setBusy(true); setError(null);
    try {
      await unwrap(api.PATCH('/v1/destinations/{id}', {
        params: { path: { id: status.id } },
        body: { name: draft.name.trim(), layout: draft.layout, startDate, schedule: scheduleOf(draft), restoreDeleted: draft.restoreDeleted, respectFolderDeletions: draft.respectFolderDeletions },
      }));
      notifications.show({ message: t('destinationEdit.saved'), color: 'green' });
      onDone();
    } catch (e) { setError(e); } finally { setBusy(false); }
  };

  return (
    <Stack maw={760}>
      <Title order={1}>{t('destinationEdit.title', { name: status.name })}</Title>
      <ErrorAlert error={error} />
      <NameStep draft={draft} update={update} companyId={status.companyId} />
      <ScheduleStep draft={draft} update={update} />
      {replans && (
        <Paper withBorder p="md" aria-live="polite" data-testid="change-preview">
          {previewed ? (
            <Stack gap={4}>
              <Text size="sm">{previewed.moves > 0 ? t('destinationEdit.previewMoves', { count: previewed.moves }) : t('destinationEdit.previewNone')}</Text>
              {previewed.uploads > 0 && <Text size="sm">{t('destinationEdit.previewUploads', { count: previewed.uploads })}</Text>}
              {previewed.skipped > 0 && <Text size="sm">{t('destinationEdit.previewSkipped', { count: previewed.skipped })}</Text>}
            </Stack>
          ) : <Button variant="light" onClick={() => void check()} loading={busy}>{t('destinationEdit.preview')}</Button>}
        </Paper>
      )}
      {replans && !previewed && <Alert color="blue">{t('destinationEdit.previewFirst')}</Alert>}
      <Group>
        <Button variant="default" onClick={onDone}>{t('common.cancel')}</Button>
        <Button onClick={() => void save()} loading={busy} disabled={!draft.name.trim() || (replans && !previewed)}>{t('destinationEdit.save')}</Button>
      </Group>
    </Stack>
  );
}
