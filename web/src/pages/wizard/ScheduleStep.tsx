import { Checkbox, Radio, Stack, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Draft } from './draft';

export function ScheduleStep({ draft, update }: { draft: Draft; update(p: Partial<Draft>): void }) {
  const { t } = useTranslation();
  return (
    <Stack mt="md" maw={560}>
      <TextInput type="date" label={t('wizard.startDate')} description={t('wizard.startDateHint')} value={draft.startDate} onChange={(e) => update({ startDate: e.currentTarget.value })} />
      <Radio.Group label={t('wizard.schedule')} value={draft.schedule} onChange={(v) => update({ schedule: v as Draft['schedule'] })}>
        <Stack gap="xs" mt="xs">
          <Radio value="continuous" label={t('wizard.continuous')} />
          <Radio value="daily" label={t('wizard.daily')} />
        </Stack>
      </Radio.Group>
      {draft.schedule === 'daily' && (
        <TextInput label={t('wizard.dailyAt')} placeholder="23:30" inputMode="numeric" maxLength={5} value={draft.dailyAt} onChange={(e) => update({ dailyAt: e.currentTarget.value })} w={200} required />
      )}
      <Checkbox label={t('wizard.restoreDeleted')} checked={draft.restoreDeleted} onChange={(e) => update({ restoreDeleted: e.currentTarget.checked })} />
      <Checkbox label={t('wizard.respectFolderDeletions')} checked={draft.respectFolderDeletions} onChange={(e) => update({ respectFolderDeletions: e.currentTarget.checked })} />
    </Stack>
  );
}
