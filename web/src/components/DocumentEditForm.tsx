import { useState, type FormEvent } from 'react';
import { Button, Group, NativeSelect, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '../api/client';
import { ErrorAlert } from './ErrorAlert';
import { DOCUMENT_TYPES } from '../../../src/domain/documents.js';

type Doc = Schemas['DocumentDetail'];
type DocumentType = Doc['type'];

/** A document's metadata, changed as a new version (PATCH); the type is one of the domain's kinds, not free text. */
export function DocumentEditForm({ doc, onSaved, onCancel }: { doc: Doc; onSaved(): void; onCancel(): void }) {
  const { t } = useTranslation();
  const [f, setF] = useState({ type: doc.type, date: doc.date, number: doc.number ?? '', counterparty: doc.counterparty ?? '', amount: doc.amount ?? '', currency: doc.currency ?? '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const set = (k: keyof typeof f) => (v: string) => setF((x) => ({ ...x, [k]: v }));
  const orNull = (v: string) => (v.trim() ? v.trim() : null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true); setError(null);
    try {
      const amount = orNull(f.amount);
      await unwrap(api.PATCH('/v1/documents/{id}', { params: { path: { id: doc.id } }, body: {
        type: f.type, date: f.date, number: orNull(f.number), counterparty: orNull(f.counterparty), amount, currency: amount ? orNull(f.currency) ?? 'EUR' : null,
      } }));
      onSaved();
    } catch (err) { setError(err); } finally { setBusy(false); }
  };

  return (
    <form onSubmit={(e) => void submit(e)} data-testid="document-edit">
      <Stack>
        <SimpleGrid cols={{ base: 1, xs: 2 }}>
          <NativeSelect label={t('documents.type')} value={f.type} onChange={(e) => set('type')(e.currentTarget.value as DocumentType)}
            data={DOCUMENT_TYPES.map((v) => ({ value: v, label: t(`documents.types.${v}`) }))} />
          <TextInput type="date" label={t('documents.date')} required value={f.date} onChange={(e) => set('date')(e.currentTarget.value)} />
          <TextInput label={t('documents.number')} value={f.number} onChange={(e) => set('number')(e.currentTarget.value)} />
          <TextInput label={t('documents.counterparty')} value={f.counterparty} onChange={(e) => set('counterparty')(e.currentTarget.value)} />
          <TextInput label={t('documents.amount')} inputMode="decimal" placeholder="1210.00" value={f.amount} onChange={(e) => set('amount')(e.currentTarget.value.replace(',', '.'))} />
          <TextInput label={t('documents.currency')} maxLength={3} value={f.currency} onChange={(e) => set('currency')(e.currentTarget.value.toUpperCase())} />
        </SimpleGrid>
        <ErrorAlert error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>{t('common.cancel')}</Button>
          <Button type="submit" loading={busy}>{t('documentEdit.save')}</Button>
        </Group>
      </Stack>
    </form>
  );
}
