import { useState, type FormEvent } from 'react';
import { Button, Group, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { uploadForm, type Schemas } from '../api/client';
import { ErrorAlert } from './ErrorAlert';
import { DOCUMENT_TYPES } from '../../../src/domain/documents.js';


const today = () => new Date().toISOString().slice(0, 10);

/** The metadata of a dropped file, then the upload: fields first and the file last, as the API streams it. */
export function UploadForm({ file, companyId, onDone, onCancel }: { file: File; companyId: string; onDone(doc: Schemas['DocumentWithVersions']): void; onCancel(): void }) {
  const { t } = useTranslation();
  const [fields, setFields] = useState({ type: 'invoice', date: today(), number: '', counterparty: '', amount: '', currency: 'EUR' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const set = (k: keyof typeof fields) => (v: string) => setFields((f) => ({ ...f, [k]: v }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true); setError(null);
    const form = new FormData();
    form.append('companyId', companyId);
    for (const [k, v] of Object.entries(fields)) if (v.trim()) form.append(k, v.trim());
    if (!fields.amount.trim()) form.delete('currency');
    form.append('file', file, file.name);
    try { onDone(await uploadForm('/v1/documents', form)); } catch (err) { setError(err); setBusy(false); }
  };

  return (
    <form onSubmit={(e) => void submit(e)}>
      <Stack>
        <Text size="sm" className="path">{t('documents.file')}: {file.name}</Text>
        <SimpleGrid cols={{ base: 1, xs: 2 }}>
          <Select label={t('documents.type')} data={DOCUMENT_TYPES.map((v) => ({ value: v, label: t(`documents.types.${v}`) }))} value={fields.type} onChange={(v) => v && set('type')(v)} allowDeselect={false} />
          <TextInput type="date" label={t('documents.date')} required value={fields.date} onChange={(e) => set('date')(e.currentTarget.value)} />
          <TextInput label={t('documents.number')} value={fields.number} onChange={(e) => set('number')(e.currentTarget.value)} />
          <TextInput label={t('documents.counterparty')} value={fields.counterparty} onChange={(e) => set('counterparty')(e.currentTarget.value)} />
          <TextInput label={t('documents.amount')} inputMode="decimal" placeholder="1210.00" value={fields.amount} onChange={(e) => set('amount')(e.currentTarget.value.replace(',', '.'))} />
          <TextInput label={t('documents.currency')} maxLength={3} value={fields.currency} onChange={(e) => set('currency')(e.currentTarget.value.toUpperCase())} />
        </SimpleGrid>
        <ErrorAlert error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>{t('common.cancel')}</Button>
          <Button type="submit" loading={busy}>{t('documents.upload')}</Button>
        </Group>
      </Stack>
    </form>
  );
}
