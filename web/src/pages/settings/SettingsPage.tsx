import { useState, type FormEvent } from 'react';
import { Accordion, Alert, Button, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { useCompany } from '../../api/company';
import { useRight } from '../../api/rights';
import { useSession } from '../../api/session';
import { useLoad } from '../../api/use-load';
import { ErrorAlert } from '../../components/ErrorAlert';
import { CompanyForm, type CompanyFields } from './CompanyForm';

/** The firm's name (an administrator's) and its companies (with manage_companies): what clients and folder paths show. */
export function SettingsPage() {
  const { t } = useTranslation();
  const { session } = useSession();
  const { companies, reload } = useCompany();
  const mayChangeCompanies = useRight('manage_companies');
  const isAdmin = session?.user.role === 'admin';
  // With one company its form is open at once; with more, the one the user opens.
  const [open, setOpen] = useState<string | null | undefined>(undefined);
  const shown = open === undefined ? (companies.length === 1 ? companies[0]!.id : null) : open;
  const organization = useLoad(() => unwrap(api.GET('/v1/organization')), []);

  const saveCompany = (id: string) => async (fields: CompanyFields) => {
    await unwrap(api.PATCH('/v1/companies/{id}', { params: { path: { id } }, body: fields }));
    notifications.show({ message: t('settings.renamed'), color: 'green' });
    await reload();
  };
  const addCompany = async (fields: CompanyFields) => {
    await unwrap(api.POST('/v1/companies', { body: fields }));
    notifications.show({ message: t('settings.saved'), color: 'green' });
    await reload();
  };

  return (
    <Stack maw={760}>
      <Title order={1}>{t('settings.title')}</Title>
      <Paper withBorder p="md">
        <Stack gap="sm">
          <Title order={2} size="h3">{t('settings.organization')}</Title>
          <Text size="sm" c="dimmed">{t('settings.organizationHint')}</Text>
          <ErrorAlert error={organization.error} />
          {organization.data && <OrganizationName key={organization.data.name} name={organization.data.name} editable={isAdmin} onSaved={organization.reload} />}
        </Stack>
      </Paper>
      <Paper withBorder p="md">
        <Stack gap="sm">
          <Title order={2} size="h3">{t('settings.companies')}</Title>
          <Text size="sm" c="dimmed">{t('settings.companiesHint')}</Text>
          {!mayChangeCompanies && <Alert color="gray">{t('settings.noRight')}</Alert>}
          <Accordion variant="separated" data-testid="companies" value={shown} onChange={setOpen}>
            {companies.map((c) => (
              <Accordion.Item key={c.id} value={c.id}>
                <Accordion.Control>{c.name}{c.vatId ? ` · ${c.vatId}` : ''}</Accordion.Control>
                <Accordion.Panel>
                  <CompanyForm key={`${c.name}|${c.language}|${c.timeZone}|${c.vatId}`} company={c} submitLabel={t('common.save')} disabled={!mayChangeCompanies} onSubmit={saveCompany(c.id)} />
                </Accordion.Panel>
              </Accordion.Item>
            ))}
          </Accordion>
          {mayChangeCompanies && (
            <Stack gap="xs" mt="md">
              <Title order={3} size="h4">{t('settings.addCompany')}</Title>
              <CompanyForm submitLabel={t('settings.add')} onSubmit={addCompany} />
            </Stack>
          )}
        </Stack>
      </Paper>
    </Stack>
  );
}

function OrganizationName({ name, editable, onSaved }: { name: string; editable: boolean; onSaved(): Promise<void> }) {
  const { t } = useTranslation();
  const [value, setValue] = useState(name);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true); setError(null);
    try {
      await unwrap(api.PATCH('/v1/organization', { body: { name: value.trim() } }));
      notifications.show({ message: t('settings.saved'), color: 'green' });
      await onSaved();
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  return (
    <Stack component="form" gap="sm" onSubmit={(e: FormEvent) => void submit(e)}>
      <ErrorAlert error={error} />
      <TextInput label={t('settings.organizationName')} required value={value} onChange={(e) => setValue(e.currentTarget.value)} disabled={!editable} maxLength={200}
        description={editable ? undefined : t('settings.onlyAdmin')} />
      {editable && <Group><Button type="submit" loading={busy} disabled={!value.trim() || value.trim() === name}>{t('common.save')}</Button></Group>}
    </Stack>
  );
}
