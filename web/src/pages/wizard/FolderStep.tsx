import { Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { FolderPicker } from '../../components/FolderPicker';
import type { Draft } from './draft';

export function FolderStep({ draft, update }: { draft: Draft; update(p: Partial<Draft>): void }) {
  const { t } = useTranslation();
  if (!draft.connectionId) return null;
  return (
    <Stack mt="md">
      <Text fw={500}>{t('wizard.folder')}</Text>
      <FolderPicker connectionId={draft.connectionId} selected={draft.root} onSelect={(root) => update({ root })} topLabel={t(`integrations.kinds.${draft.kind}.title`)} />
    </Stack>
  );
}
