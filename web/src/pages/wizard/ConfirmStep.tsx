import { useState } from 'react';
import { Button, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { useFormat } from '../../i18n/format';
import { ErrorAlert } from '../../components/ErrorAlert';
import { OAUTH_KINDS } from '../../kinds';
import { scheduleOf, type Draft } from './draft';
import { LayoutPreview } from './NameStep';
import { serverSettings } from './ServerForm';
import { shownPath } from '../../components/FolderPicker';

export function ConfirmStep({ draft, companyId, onCreated }: { draft: Draft; companyId: string; onCreated(id: string): void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const oauth = OAUTH_KINDS.has(draft.kind);
  const folder = oauth ? shownPath(draft.root ?? '') : String(draft.settings.root ?? '');

  const start = async () => {
    setBusy(true); setError(null);
    try {
      const created = await unwrap(api.POST('/v1/destinations', {
        body: {
          companyId, name: draft.name.trim(), kind: draft.kind,
          ...(oauth ? { connectionId: draft.connectionId!, settings: { root: draft.root ?? '' } } : { settings: serverSettings(draft) }),
          layout: draft.layout, startDate: draft.startDate || null, schedule: scheduleOf(draft),
          restoreDeleted: draft.restoreDeleted, respectFolderDeletions: draft.respectFolderDeletions,
        },
      }));
      onCreated(created.id);
    } catch (e) { setError(e); setBusy(false); }
  };

  const rows: Array<[string, string]> = [
    [t('wizard.name'), draft.name],
    [t('destination.kind'), t(`integrations.kinds.${draft.kind}.title`)],
    [t('wizard.folder'), folder],
    [t('wizard.layout'), draft.customLayout ? draft.layout : t(`wizard.presets.${draft.layout}`, { defaultValue: draft.layout })],
    [t('wizard.schedule'), draft.schedule === 'continuous' ? t('wizard.continuous') : `${t('wizard.daily')}, ${draft.dailyAt}`],
    [t('wizard.startDate'), draft.startDate ? format.date(draft.startDate) : t('common.none')],
    [t('wizard.restoreDeleted'), draft.restoreDeleted ? t('common.yes') : t('common.no')],
    [t('wizard.respectFolderDeletions'), draft.respectFolderDeletions ? t('common.yes') : t('common.no')],
  ];
  return (
    <Stack mt="md">
      <Text fw={500}>{t('wizard.summary')}</Text>
      <Table variant="vertical" layout="fixed" withTableBorder>
        <Table.Tbody>
          {rows.map(([k, v]) => <Table.Tr key={k}><Table.Th w="40%">{k}</Table.Th><Table.Td className="path">{v}</Table.Td></Table.Tr>)}
        </Table.Tbody>
      </Table>
      <LayoutPreview layout={draft.layout} kind={draft.kind} companyId={companyId} />
      <Text size="sm" c="dimmed">{t('wizard.willCopy')}</Text>
      <ErrorAlert error={error} />
      <Button onClick={() => void start()} loading={busy} w="fit-content" size="md">{t('wizard.start')}</Button>
    </Stack>
  );
}
