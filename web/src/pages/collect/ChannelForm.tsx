import { useState, type FormEvent } from 'react';
import { Button, Checkbox, Group, NativeSelect, Paper, Radio, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '../../api/client';
import { useCompany } from '../../api/company';
import { useSession } from '../../api/session';
import { useLoad } from '../../api/use-load';
import { useProviders } from '../../api/sandbox';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LANGUAGE_NAMES, LANGUAGES } from '../../i18n';
import type { TFunction } from 'i18next';
import { MailFields, mailFormOf, mailProblems, type MailForm } from './MailFields';

type Kind = Schemas['Channel']['kind'];
export const CHANNEL_KINDS: readonly Kind[] = ['onedrive', 'gdrive', 'dropbox', 'sftp', 'webdav', 'local', 'email'];
/** The part before @ of a channel's own address: what the server accepts (src/domain/mailboxes.ts). */
const MAILBOX = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;
const NEW_BINDER = '__new__';
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export interface Form extends MailForm {
  kind: Kind; name: string; companyId: string; recipientId: string; binder: string; binderName: string; folder: string;
  collectAt: string; moveCollected: boolean; clientEmail: string; clientName: string;
  /** The language of the client's mails; '' keeps the company's. */
  clientLanguage: string;
}

/** What is missing or wrong, by field, in the user's language; empty when the form can be sent. */
function problems(f: Form, editing: boolean, t: TFunction): Partial<Record<keyof Form, string>> {
  const p: Partial<Record<keyof Form, string>> = f.kind === 'email' ? mailProblems(f, editing, t) : {};
  if (!f.name.trim()) p.name = t('collect.required');
  if (!f.recipientId) p.recipientId = t('collect.required');
  if (f.binder === NEW_BINDER && !f.binderName.trim()) p.binderName = t('collect.required');
  if (!HHMM.test(f.collectAt)) p.collectAt = t('collect.time');
  if (f.kind === 'local' && !f.folder.trim()) p.folder = t('collect.required');
  if (f.kind !== 'local' && f.kind !== 'email' && !f.clientEmail.trim()) p.clientEmail = t('collect.required');
  if (f.kind === 'email' && f.mailWay === 'address' && f.mailbox.trim() && !MAILBOX.test(f.mailbox.trim().toLowerCase())) p.mailbox = t('collect.mailboxWrong');
  return p;
}

/** The values the form starts with: a new channel's defaults, or a channel's own. */
export function formOf(c?: Schemas['Channel'] & { server?: Schemas['MailServer'] | null }): Form {
  return {
    kind: c?.kind ?? 'onedrive', name: c?.name ?? '', companyId: c?.companyId ?? '', recipientId: c?.recipientId ?? '', binder: c?.binderId ?? '', binderName: '',
    folder: c?.folder ?? '', collectAt: c?.collectAt ?? '06:00', moveCollected: c?.moveCollected ?? false, clientEmail: c?.clientEmail ?? '', clientName: c?.clientName ?? '',
    clientLanguage: c?.clientLanguage ?? '', ...mailFormOf(c),
  };
}

/** The body's client: where the invitation goes, to whom, and in which language (left out: the company's). */
export const clientFields = (f: Form) => ({
  clientEmail: f.clientEmail.trim(), ...(f.clientName.trim() && { clientName: f.clientName.trim() }),
  ...(f.clientLanguage && { clientLanguage: f.clientLanguage as (typeof LANGUAGES)[number] }),
});

/** The body's binder: the one chosen, or a new one by name. */
export const binderChoice = (f: Form) => (f.binder === NEW_BINDER ? { binderName: f.binderName.trim() } : { binderId: f.binder });

/**
 * A channel's settings: where from, for whom, into which binder, when. A new channel also
 * takes its source and company; an existing one keeps them.
 */
export function ChannelForm({ initial, editing = false, submitLabel, onSubmit }: { initial: Form; editing?: boolean; submitLabel: string; onSubmit(f: Form): Promise<void> }) {
  const mailProviders = useProviders().filter((p) => p.kind === 'email');
  const { t } = useTranslation();
  const { companies, company } = useCompany();
  const { session } = useSession();
  const [form, setForm] = useState<Form>(initial);
  const [shown, setShown] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const companyId = form.companyId || company?.id || '';
  const recipients = useLoad(() => unwrap(api.GET('/v1/channel-recipients')), []);
  const binders = useLoad(async () => (companyId ? (await unwrap(api.GET('/v1/binders', { params: { query: { companyId } } }))).items : []), [companyId]);
  const binderList = binders.data ?? [];
  // The first binder until one is chosen; a company without binders starts a new one.
  const binder = form.binder || binderList[0]?.id || NEW_BINDER;
  const recipientId = form.recipientId || session?.user.id || '';
  const filled = { ...form, companyId, binder, recipientId };
  const wrong = problems(filled, editing, t);
  const set = <K extends keyof Form>(k: K, v: Form[K]) => setForm((f) => ({ ...f, [k]: v }));
  const err = (k: keyof Form) => (shown ? wrong[k] : undefined);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setShown(true);
    if (Object.keys(wrong).length > 0) return;
    setBusy(true);
    setError(null);
    try {
      await onSubmit(filled);
    } catch (x) {
      setError(x);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e: FormEvent) => void submit(e)} noValidate><Stack maw={760}>
      <ErrorAlert error={error ?? recipients.error ?? binders.error} />
      {!editing && (
        <Radio.Group label={t('collect.kind')} value={form.kind} onChange={(v) => set('kind', v as Kind)}>
          <SimpleGrid cols={{ base: 2, sm: 3 }} mt="xs">
            {CHANNEL_KINDS.map((k) => <Radio key={k} value={k} label={t(`collect.kinds.${k}`)} />)}
          </SimpleGrid>
        </Radio.Group>
      )}
      <TextInput label={t('collect.name')} description={t('collect.nameHint')} value={form.name} onChange={(e) => set('name', e.currentTarget.value)} error={err('name')} required maxLength={200} />
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        {!editing && (
          <NativeSelect label={t('collect.company')} value={companyId} onChange={(e) => setForm((f) => ({ ...f, companyId: e.currentTarget.value, binder: '' }))}
            data={companies.map((c) => ({ value: c.id, label: c.name }))} />
        )}
        <NativeSelect label={t('collect.recipient')} description={t('collect.recipientHint')} value={recipientId} onChange={(e) => set('recipientId', e.currentTarget.value)}
          data={(recipients.data?.items ?? []).map((u) => ({ value: u.id, label: `${u.name} (${u.email})` }))} error={err('recipientId')} />
        <NativeSelect label={t('collect.binder')} value={binder} onChange={(e) => set('binder', e.currentTarget.value)}
          data={[...binderList.map((b) => ({ value: b.id, label: b.name })), { value: NEW_BINDER, label: t('collect.newBinder') }]} />
        {binder === NEW_BINDER && <TextInput label={t('collect.binderName')} value={form.binderName} onChange={(e) => set('binderName', e.currentTarget.value)} error={err('binderName')} required maxLength={200} />}
      </SimpleGrid>
      {form.kind === 'email' && <MailFields form={form} set={set} err={err} editing={editing} providers={mailProviders} />}
      {form.kind === 'email' ? null : form.kind === 'local'
        ? !editing && <TextInput label={t('collect.localFolder')} value={form.folder} onChange={(e) => set('folder', e.currentTarget.value)} error={err('folder')} required className="path" placeholder="/srv/scans/client-x" />
        : (
          <Paper withBorder p="md">
            <Stack gap="sm">
              {!editing && <Text size="sm">{t('collect.folderByClient')}</Text>}
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <TextInput type="email" label={t('collect.clientEmail')} description={t('collect.clientEmailHint')} value={form.clientEmail} onChange={(e) => set('clientEmail', e.currentTarget.value)} error={err('clientEmail')} required autoComplete="off" />
                <TextInput label={t('collect.clientName')} value={form.clientName} onChange={(e) => set('clientName', e.currentTarget.value)} maxLength={200} autoComplete="off" />
                <NativeSelect label={t('channelMail.language')} description={t('channelMail.languageHint')} value={form.clientLanguage} onChange={(e) => set('clientLanguage', e.currentTarget.value)}
                  data={[{ value: '', label: t('channelMail.companyLanguage', { language: LANGUAGE_NAMES[(companies.find((c) => c.id === companyId)?.language ?? 'en') as (typeof LANGUAGES)[number]] }) }, ...LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] }))]} />
              </SimpleGrid>
            </Stack>
          </Paper>
        )}
      <TextInput label={t('collect.collectAt')} placeholder="06:30" inputMode="numeric" maxLength={5} description={t('collect.collectAtHint')} value={form.collectAt} onChange={(e) => set('collectAt', e.currentTarget.value)} error={err('collectAt')} w={{ base: '100%', sm: 260 }} required />
      {form.kind !== 'email' && <Checkbox label={t('collect.moveCollected')} description={t('collect.moveCollectedHint')} checked={form.moveCollected} onChange={(e) => set('moveCollected', e.currentTarget.checked)} />}
      <Group><Button type="submit" loading={busy}>{submitLabel}</Button></Group>
    </Stack></form>
  );
}
