import { Group, NativeSelect, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '../api/client';

type DocumentType = Schemas['Document']['type'];
const TYPES: readonly DocumentType[] = ['invoice', 'credit_note', 'quote', 'purchase_invoice', 'purchase_credit_note', 'order', 'delivery_note', 'receipt', 'other'];

export interface DocumentQuery { q: string; type: DocumentType | ''; from: string; to: string }
export const NO_FILTER: DocumentQuery = { q: '', type: '', from: '', to: '' };

/** The query parameters of GET /v1/documents for these filters (empty ones left out). */
export const queryOf = (f: DocumentQuery) => ({
  ...(f.q.trim() && { q: f.q.trim() }), ...(f.type && { type: f.type }), ...(f.from && { from: f.from }), ...(f.to && { to: f.to }),
});

/** Search (number, counterparty, amount), type and date range; the server does the filtering. */
export function DocumentFilters({ value, onChange }: { value: DocumentQuery; onChange(f: DocumentQuery): void }) {
  const { t } = useTranslation();
  const set = (p: Partial<DocumentQuery>) => onChange({ ...value, ...p });
  return (
    <Group gap="sm" wrap="wrap" align="flex-end" role="search" aria-label={t('documentSearch.label')}>
      <TextInput type="search" label={t('documentSearch.label')} placeholder={t('documentSearch.placeholder')} value={value.q} onChange={(e) => set({ q: e.currentTarget.value })} miw={220} style={{ flex: 1 }} />
      <NativeSelect label={t('documents.type')} value={value.type} onChange={(e) => set({ type: e.currentTarget.value as DocumentType | '' })}
        data={[{ value: '', label: t('documentSearch.allTypes') }, ...TYPES.map((k) => ({ value: k, label: t(`documents.types.${k}`) }))]} />
      <TextInput type="date" label={t('documentSearch.from')} value={value.from} onChange={(e) => set({ from: e.currentTarget.value })} />
      <TextInput type="date" label={t('documentSearch.to')} value={value.to} onChange={(e) => set({ to: e.currentTarget.value })} />
    </Group>
  );
}
