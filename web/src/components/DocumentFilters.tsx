import { Group, NativeSelect, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '../api/client';
import { DOCUMENT_TYPES } from '../../../src/domain/documents.js';

type DocumentType = Schemas['Document']['type'];
type BackupState = 'synced' | 'pending' | 'failed';
const BACKUP_STATES: readonly BackupState[] = ['synced', 'pending', 'failed'];

export interface DocumentQuery { q: string; type: DocumentType | ''; from: string; to: string; backup: BackupState | '' }
export const NO_FILTER: DocumentQuery = { q: '', type: '', from: '', to: '', backup: '' };

/** The query parameters of GET /v1/documents for these filters (empty ones left out). */
export const queryOf = (f: DocumentQuery) => ({
  ...(f.q.trim() && { q: f.q.trim() }), ...(f.type && { type: f.type }), ...(f.from && { from: f.from }), ...(f.to && { to: f.to }),
  ...(f.backup && { backup: f.backup }),
});

/** Search (number, counterparty, amount, the text), type, date range and backup state; the server does the filtering. */
export function DocumentFilters({ value, onChange }: { value: DocumentQuery; onChange(f: DocumentQuery): void }) {
  const { t } = useTranslation();
  const set = (p: Partial<DocumentQuery>) => onChange({ ...value, ...p });
  return (
    <Group gap="sm" wrap="wrap" align="flex-end" role="search" aria-label={t('documentSearch.label')}>
      <TextInput type="search" label={t('documentSearch.label')} placeholder={t('documentSearch.placeholder')} value={value.q} onChange={(e) => set({ q: e.currentTarget.value })} miw={220} style={{ flex: 1 }} />
      <NativeSelect label={t('documents.type')} value={value.type} onChange={(e) => set({ type: e.currentTarget.value as DocumentType | '' })}
        data={[{ value: '', label: t('documentSearch.allTypes') }, ...DOCUMENT_TYPES.map((k) => ({ value: k, label: t(`documents.types.${k}`) }))]} />
      <TextInput type="date" label={t('documentSearch.from')} value={value.from} onChange={(e) => set({ from: e.currentTarget.value })} />
      <TextInput type="date" label={t('documentSearch.to')} value={value.to} onChange={(e) => set({ to: e.currentTarget.value })} />
      <NativeSelect label={t('documentList.backup')} value={value.backup} onChange={(e) => set({ backup: e.currentTarget.value as BackupState | '' })}
        data={[{ value: '', label: t('documentList.anyBackup') }, ...BACKUP_STATES.map((k) => ({ value: k, label: t(`documentList.backupStates.${k}`) }))]} />
    </Group>
  );
}
