import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Alert, Button, Group, Loader, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { uploadForm, type Schemas } from '../api/client';
import { ErrorAlert } from './ErrorAlert';
import { DOCUMENT_TYPES } from '../../../src/domain/documents.js';


const today = () => new Date().toISOString().slice(0, 10);

type Fields = { type: string; date: string; number: string; counterparty: string; amount: string; currency: string };
type Prefill = NonNullable<Extract<Schemas['Extraction'], { ok: true }>['prefill']>;
/** Below this the value is flagged for checking: the reader's confidence levels are calibrated to it. */
const SURE = 0.8;

/**
 * Reads the file once (POST /v1/extract, nothing stored) and proposes its fields. A failure to
 * read is no error: the user fills the form as before.
 */
function useReading(file: File, companyId: string) {
  const [state, setState] = useState<{ status: 'reading' | 'read' | 'failed'; prefill: Prefill }>({ status: 'reading', prefill: {} });
  useEffect(() => {
    let live = true;
    const form = new FormData();
    form.append('companyId', companyId);
    form.append('file', file, file.name);
    uploadForm<Schemas['Extraction'] | Schemas['ExtractionFailure']>('/v1/extract', form)
      .then((r) => { if (live) setState(r.ok && r.prefill && Object.keys(r.prefill).length > 0 ? { status: 'read', prefill: r.prefill } : { status: 'failed', prefill: {} }); })
      .catch(() => { if (live) setState({ status: 'failed', prefill: {} }); });
    return () => { live = false; };
  }, [file, companyId]);
  return state;
}

/** The metadata of a dropped file, then the upload: fields first and the file last, as the API streams it. */
export function UploadForm({ file, companyId, onDone, onCancel }: { file: File; companyId: string; onDone(doc: Schemas['DocumentWithVersions']): void; onCancel(): void }) {
  const { t } = useTranslation();
  const [fields, setFields] = useState<Fields>({ type: 'invoice', date: today(), number: '', counterparty: '', amount: '', currency: 'EUR' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // What the user typed is theirs: a reading that arrives later fills only the untouched fields.
  const touched = useRef(new Set<keyof Fields>());
  const set = (k: keyof Fields) => (v: string) => { touched.current.add(k); setFields((f) => ({ ...f, [k]: v })); };
  const reading = useReading(file, companyId);
  useEffect(() => {
    const proposed = Object.fromEntries(Object.entries(reading.prefill).filter(([k]) => !touched.current.has(k as keyof Fields)).map(([k, p]) => [k, p.value]));
    setFields((f) => ({ ...f, ...proposed }));
  }, [reading.prefill]);
  /** Under a read field: whether to check it, so an unsure value is never taken for a sure one. */
  const hint = (k: keyof Fields) => {
    const p = reading.prefill[k];
    if (!p || touched.current.has(k)) return undefined;
    return p.confidence < SURE ? { error: t('uploadRead.check') } : { description: t('uploadRead.fromFile') };
  };

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
        {reading.status === 'reading' && <Group gap="xs" role="status"><Loader size="xs" /><Text size="sm">{t('uploadRead.reading')}</Text></Group>}
        {reading.status === 'read' && <Alert color="blue" role="status" data-testid="read-note">{t('uploadRead.filled')}</Alert>}
        {reading.status === 'failed' && <Text size="sm" c="dimmed" role="status">{t('uploadRead.failed')}</Text>}
        <SimpleGrid cols={{ base: 1, xs: 2 }}>
          <Select label={t('documents.type')} data={DOCUMENT_TYPES.map((v) => ({ value: v, label: t(`documents.types.${v}`) }))} value={fields.type} onChange={(v) => v && set('type')(v)} allowDeselect={false} {...hint('type')} />
          <TextInput type="date" label={t('documents.date')} required value={fields.date} onChange={(e) => set('date')(e.currentTarget.value)} {...hint('date')} />
          <TextInput label={t('documents.number')} value={fields.number} onChange={(e) => set('number')(e.currentTarget.value)} {...hint('number')} />
          <TextInput label={t('documents.counterparty')} value={fields.counterparty} onChange={(e) => set('counterparty')(e.currentTarget.value)} {...hint('counterparty')} />
          <TextInput label={t('documents.amount')} inputMode="decimal" placeholder="1210.00" value={fields.amount} onChange={(e) => set('amount')(e.currentTarget.value.replace(',', '.'))} {...hint('amount')} />
          <TextInput label={t('documents.currency')} maxLength={3} value={fields.currency} onChange={(e) => set('currency')(e.currentTarget.value.toUpperCase())} {...hint('currency')} />
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
