import { useState, type FormEvent } from 'react';
import { Button, Group, Select, Stack, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Company } from '../../api/company';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LANGUAGE_NAMES, LANGUAGES, type Language } from '../../i18n';

export interface CompanyFields { name: string; language: Language; timeZone: string; vatId: string | null }

/** Every IANA zone the browser knows; the server checks the same names. */
const TIME_ZONES: string[] = (Intl as unknown as { supportedValuesOf?(key: string): string[] }).supportedValuesOf?.('timeZone') ?? ['Europe/Brussels', 'Europe/Amsterdam', 'Europe/Paris', 'Europe/Berlin', 'Europe/Luxembourg', 'UTC'];

/** One company's name, language, time zone and VAT number; the server checks the VAT number and says what is wrong. */
export function CompanyForm({ company, submitLabel, disabled, onSubmit }: {
  company?: Company; submitLabel: string; disabled?: boolean; onSubmit(fields: CompanyFields): Promise<void>;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState(company?.name ?? '');
  const [language, setLanguage] = useState<Language>((company?.language as Language | undefined) ?? 'nl');
  const [timeZone, setTimeZone] = useState(company?.timeZone ?? 'Europe/Brussels');
  const [vatId, setVatId] = useState(company?.vatId ?? '');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true); setError(null);
    try {
      await onSubmit({ name: name.trim(), language, timeZone, vatId: vatId.trim() || null });
      if (!company) { setName(''); setVatId(''); }
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  const zones = TIME_ZONES.includes(timeZone) ? TIME_ZONES : [timeZone, ...TIME_ZONES];
  return (
    <Stack component="form" onSubmit={(e: FormEvent) => void submit(e)} gap="sm">
      <ErrorAlert error={error} />
      <TextInput label={t('settings.name')} required value={name} onChange={(e) => setName(e.currentTarget.value)} disabled={disabled} maxLength={200} />
      <Group grow wrap="wrap" align="flex-start">
        <Select label={t('settings.language')} description={t('settings.languageHint')} data={LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] }))}
          value={language} onChange={(v) => v && setLanguage(v as Language)} allowDeselect={false} disabled={disabled} miw={180} />
        <Select label={t('settings.timeZone')} data={zones} value={timeZone} onChange={(v) => v && setTimeZone(v)} searchable allowDeselect={false} disabled={disabled} miw={180} />
      </Group>
      <TextInput label={t('settings.vatId')} description={t('settings.vatIdHint')} value={vatId} onChange={(e) => setVatId(e.currentTarget.value)} disabled={disabled} maxLength={20} />
      {!disabled && <Group><Button type="submit" loading={busy} disabled={!name.trim()}>{submitLabel}</Button></Group>}
    </Stack>
  );
}
