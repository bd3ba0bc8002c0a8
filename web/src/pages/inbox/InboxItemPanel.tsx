import { useEffect, useMemo, useState } from 'react';
import { Alert, Badge, Button, Group, NativeSelect, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '../../api/client';
import type { paths } from '../../api/schema';
import { useFormat } from '../../i18n/format';
import { ErrorAlert } from '../../components/ErrorAlert';
import { OriginalViewer } from '../../components/original/OriginalViewer';
import { INVOICE_KINDS } from '../../../../src/extract/types.js';
import { asText, isLow, readable, shownFields, type FieldName, type InboxItem } from './fields';

type Change = paths['/v1/inbox/{id}']['patch']['requestBody']['content']['application/json'];
interface Props {
  item: InboxItem;
  users: Array<{ value: string; label: string }>;
  binders: Schemas['Binder'][];
  /** The item as the server has it now; `advance` when it left the queue (confirmed). */
  onChanged(item: InboxItem, advance: boolean): void;
}

/** One inbox item: the original beside its fields, low-confidence ones marked; correct, confirm, reassign, move. */
export function InboxItemPanel({ item, users, binders, onChanged }: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  const names = useMemo(() => shownFields(item), [item]);
  const original = useMemo(() => Object.fromEntries(names.map((n) => [n, asText(item.fields[n])])), [names, item]);
  const [values, setValues] = useState<Record<string, string>>(original);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => { setValues(original); setError(null); }, [original]);

  const changed = Object.fromEntries(names.filter((n) => values[n]!.trim() !== original[n]).map((n) => [n, values[n]!.trim() || null]));
  const dirty = Object.keys(changed).length > 0;

  const send = async (what: string, body: Change, advance = false) => {
    setBusy(what); setError(null);
    try {
      const next = await unwrap(api.PATCH('/v1/inbox/{id}', { params: { path: { id: item.id } }, body }));
      notifications.show({ message: t(`inbox.done.${what}` as 'inbox.done.save'), color: 'green' });
      onChanged(next, advance);
    } catch (e) { setError(e); } finally { setBusy(null); }
  };
  // Confirming takes every value as it stands: corrected ones as typed, the others as read.
  const confirm = () => send('confirm', {
    ...(dirty && { fields: changed }),
    confirm: names.filter((n) => item.fields[n] && !(n in changed) && item.fields[n]!.confidence < 1),
    status: 'done' as const,
  }, true);
  const currency = values.currency || null;

  return (
    <Stack gap="sm" data-testid="inbox-item">
      <Group justify="space-between" wrap="wrap">
        <Title order={2} size="h3" className="path">{item.filename}</Title>
        <Badge color={item.status === 'done' ? 'green' : 'blue'} variant="light">{t(`inbox.status.${item.status}`)}</Badge>
      </Group>
      {item.likelyDuplicateOf && <Alert color="yellow" title={t('inbox.duplicateTitle')}>{t('inbox.duplicate', { id: item.likelyDuplicateOf })}</Alert>}
      {!item.extraction.ok && <Alert color="gray">{t('inbox.notRead', { reason: item.extraction.message ?? item.extraction.reason ?? '' })}</Alert>}
      <ErrorAlert error={error} />
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <OriginalViewer url={item.contentUrl} filename={item.filename} />
        <form onSubmit={(e) => { e.preventDefault(); void confirm(); }} aria-label={t('inbox.fieldsOf', { name: item.filename })}>
          <Stack gap="xs">
            {names.map((name) => <FieldInput key={name} name={name} field={item.fields[name]} value={values[name]!} currency={currency} format={format}
              onChange={(v) => setValues((s) => ({ ...s, [name]: v }))} />)}
            <Group gap="sm" mt="xs" wrap="wrap">
              {item.status === 'to_review'
                ? <Button type="submit" loading={busy === 'confirm'}>{t('inbox.confirm')}</Button>
                : <Button variant="light" onClick={() => void send('reopen', { status: 'to_review' })} loading={busy === 'reopen'}>{t('inbox.reopen')}</Button>}
              <Button variant="default" disabled={!dirty} loading={busy === 'save'} onClick={() => void send('save', { fields: changed })}>{t('inbox.save')}</Button>
            </Group>
          </Stack>
        </form>
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
        <Select label={t('inbox.reassign')} data={users} value={item.recipientId} allowDeselect={false} disabled={busy !== null}
          onChange={(v) => v && v !== item.recipientId && void send('reassign', { recipientId: v })} />
        <Select label={t('inbox.move')} data={binders.map((b) => ({ value: b.id, label: b.name }))} value={item.binderId} allowDeselect={false} disabled={busy !== null}
          onChange={(v) => v && v !== item.binderId && void send('move', { binderId: v })} />
      </SimpleGrid>
    </Stack>
  );
}

function FieldInput({ name, field, value, currency, format, onChange }: {
  name: FieldName; field: InboxItem['fields'][string] | undefined; value: string; currency: string | null; format: ReturnType<typeof useFormat>; onChange(v: string): void;
}) {
  const { t } = useTranslation();
  const low = isLow(field);
  const shown = readable(name, value.trim(), currency, format);
  const confidence = field ? t('inbox.confidence', { percent: format.number(Math.round(field.confidence * 100)) }) : t('inbox.notFound');
  const description = [confidence, low ? t('inbox.checkThis') : null, shown].filter(Boolean).join(' · ');
  if (name === 'documentType') {
    // A choice among the kinds the reader tells apart; a value typed in before stays offered, not lost.
    const known = (INVOICE_KINDS as readonly string[]).includes(value);
    const data = [...(known ? [] : [{ value, label: value || '—' }]), ...INVOICE_KINDS.map((k) => ({ value: k, label: t(`inbox.kinds.${k}`) }))];
    return (
      <NativeSelect label={t(`inbox.fields.${name}`)} value={value} onChange={(e) => onChange(e.currentTarget.value)} data={data}
        description={description} data-low={low || undefined} data-testid={`field-${name}`} className={low ? 'field-low' : undefined} />
    );
  }
  return (
    <TextInput label={t(`inbox.fields.${name}`)} value={value} onChange={(e) => onChange(e.currentTarget.value)}
      description={description}
      data-low={low || undefined} data-testid={`field-${name}`} className={low ? 'field-low' : undefined}
      rightSection={low ? <Text component="span" c="orange.8" fw={700} aria-hidden>!</Text> : undefined} />
  );
}
