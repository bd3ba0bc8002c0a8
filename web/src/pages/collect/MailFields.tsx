import type { TFunction } from 'i18next';
import { Checkbox, NativeSelect, Paper, PasswordInput, Radio, SimpleGrid, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '../../api/client';

type Policy = 'refuse' | 'hold' | 'accept';
const POLICIES: readonly Policy[] = ['hold', 'refuse', 'accept'];

/** An e-mail channel's part of the form: which way mail comes in, the IMAP server, and who may send. */
export interface MailForm {
  /** address: Dossier's own address for the channel; imap: a mailbox the firm owns; signin: one signed in to with Microsoft 365 or Gmail. */
  mailWay: 'address' | 'imap' | 'signin';
  /** The provider signed in with (microsoft-mail, gmail), for mailWay signin. */
  signIn: string;
  mailbox: string;
  host: string; port: string; tls: boolean; username: string; password: string; imapFolder: string;
  /** A folder collected messages are moved to; empty leaves the mailbox as it is. */
  moveTo: string;
  /** Addresses and domains, one a line (or separated by commas). */
  allowList: string;
  others: Policy;
  /** A message with no document attached becomes a PDF of its body. */
  bodyToPdf: boolean;
}

export const mailFormOf = (c?: Schemas['Channel'] & { server?: Schemas['MailServer'] | null }): MailForm => {
  const mail = c?.options?.mail;
  const server = c?.server;
  return {
    mailWay: server?.signIn ? 'signin' : c && !c.intakeAddress ? 'imap' : 'address', mailbox: '', signIn: server?.signIn ?? '',
    host: server?.host ?? '', port: String(server?.port ?? 993), tls: server?.tls ?? true, username: server?.username ?? '', password: '', imapFolder: server?.mailbox ?? 'INBOX',
    moveTo: mail?.processed.action === 'move' ? mail.processed.folder : '',
    allowList: (mail?.allowList ?? []).join('\n'), others: mail?.others ?? 'hold', bodyToPdf: mail?.bodyToPdf ?? false,
  };
};

const SENDER = /^@?[a-z0-9.-]+\.[a-z]{2,}$|^[^\s@]+@[a-z0-9.-]+\.[a-z]{2,}$/;
export const senders = (f: MailForm) => f.allowList.split(/[\s,;]+/).map((s) => s.trim().toLowerCase()).filter(Boolean);

/** What is missing or wrong in the mail part, by field. */
export function mailProblems(f: MailForm, editing: boolean, t: TFunction): Partial<Record<keyof MailForm, string>> {
  const p: Partial<Record<keyof MailForm, string>> = {};
  const wrong = senders(f).filter((s) => !SENDER.test(s));
  if (wrong.length) p.allowList = t('collect.mail.allowListWrong', { senders: wrong.join(', ') });
  if (f.mailWay === 'signin') {
    if (!f.username.trim()) p.username = t('collect.required');
    if (!f.imapFolder.trim()) p.imapFolder = t('collect.required');
    if (!editing && !f.signIn) p.signIn = t('collect.required');
    return p;
  }
  if (f.mailWay !== 'imap') return p;
  if (!f.host.trim()) p.host = t('collect.required');
  const port = Number(f.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) p.port = t('collect.mail.portWrong');
  if (!f.username.trim()) p.username = t('collect.required');
  // Editing, an empty password keeps the stored one.
  if (!f.password && !editing) p.password = t('collect.required');
  if (!f.imapFolder.trim()) p.imapFolder = t('collect.required');
  return p;
}

/** The request's part for the mail settings: senders and, for IMAP, what happens to collected messages. */
export function mailOptionsOf(f: MailForm, imap: boolean) {
  return {
    allowList: senders(f), others: f.others, ...(f.bodyToPdf && { bodyToPdf: true }),
    ...(imap && { processed: f.moveTo.trim() ? { action: 'move' as const, folder: f.moveTo.trim() } : { action: 'none' as const } }),
  };
}

/** A signed-in mailbox: its address and folder; the server is the provider's. */
export const signInSettingsOf = (f: MailForm) => ({ username: f.username.trim(), mailbox: f.imapFolder.trim() });

/**
 * What changed in the server's settings since the channel was loaded, as PATCH takes it; null
 * when nothing did (a save of other fields then does not try the mailbox again).
 */
export function serverChangeOf(f: MailForm, before: Schemas['MailServer'] | null | undefined) {
  if (!before) return null;
  const now = f.mailWay === 'signin' ? { ...signInSettingsOf(f) } : { ...imapSettingsOf(f) };
  const was: Record<string, unknown> = { host: before.host, port: before.port, tls: before.tls, username: before.username, mailbox: before.mailbox };
  const changed = Object.fromEntries(Object.entries(now).filter(([k, v]) => (k === 'password' ? v !== '' : was[k] !== v)));
  return Object.keys(changed).length ? changed : null;
}

/** The IMAP server's settings as the API takes them (the password is sealed by the server). */
export const imapSettingsOf = (f: MailForm) => ({
  host: f.host.trim(), port: Number(f.port), tls: f.tls, username: f.username.trim(), password: f.password, mailbox: f.imapFolder.trim(),
});

export function MailFields({ form, set, err, editing, providers = [] }: {
  form: MailForm; editing: boolean;
  /** The mail sign-ins this installation offers (GET /v1/providers, kind email). */
  providers?: Array<{ id: string; title: string }>;
  set<K extends keyof MailForm>(k: K, v: MailForm[K]): void;
  err(k: keyof MailForm): string | undefined;
}) {
  const { t } = useTranslation();
  const imap = form.mailWay === 'imap';
  const signin = form.mailWay === 'signin';
  const server = (
    <SimpleGrid cols={{ base: 1, sm: 2 }}>
      <TextInput label={t('collect.mail.host')} value={form.host} onChange={(e) => set('host', e.currentTarget.value)} error={err('host')} required autoComplete="off" placeholder="imap.example.com" />
      <TextInput label={t('collect.mail.port')} value={form.port} onChange={(e) => set('port', e.currentTarget.value)} error={err('port')} required inputMode="numeric" maxLength={5} />
      <TextInput label={t('collect.mail.username')} value={form.username} onChange={(e) => set('username', e.currentTarget.value)} error={err('username')} required autoComplete="off" />
      <PasswordInput label={t('collect.mail.password')} description={editing ? t('collect.mail.passwordKeep') : t('collect.mail.passwordHint')} value={form.password} onChange={(e) => set('password', e.currentTarget.value)}
        error={err('password')} required={!editing} autoComplete="new-password" />
      <TextInput label={t('collect.mail.folder')} value={form.imapFolder} onChange={(e) => set('imapFolder', e.currentTarget.value)} error={err('imapFolder')} required autoComplete="off" />
    </SimpleGrid>
  );
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        {!editing && (
          <Radio.Group label={t('collect.mail.way')} value={form.mailWay} onChange={(v) => set('mailWay', v as MailForm['mailWay'])}>
            <Stack gap={6} mt="xs">
              <Radio value="address" label={t('collect.mail.wayAddress')} />
              <Radio value="imap" label={t('collect.mail.wayImap')} />
              {providers.length > 0 && <Radio value="signin" label={t('collect.mail.waySignIn')} />}
            </Stack>
          </Radio.Group>
        )}
        {!editing && form.mailWay === 'address' && <>
          <Text size="sm">{t('collect.byEmailIntro')}</Text>
          <TextInput label={t('collect.mailbox')} description={t('collect.mailboxHint')} value={form.mailbox} onChange={(e) => set('mailbox', e.currentTarget.value)}
            error={err('mailbox')} maxLength={64} autoComplete="off" className="path" placeholder="acme-purchases" />
        </>}
        {signin && <>
          {!editing && <Text size="sm">{t('collect.mail.signInIntro')}</Text>}
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {!editing && (
              <NativeSelect label={t('collect.mail.provider')} value={form.signIn} onChange={(e) => set('signIn', e.currentTarget.value)} error={err('signIn')}
                data={[{ value: '', label: '' }, ...providers.map((p) => ({ value: p.id, label: p.title }))]} required />
            )}
            <TextInput type="email" label={t('collect.mail.address')} description={t('collect.mail.addressHint')} value={form.username} onChange={(e) => set('username', e.currentTarget.value)} error={err('username')} required autoComplete="off" />
            <TextInput label={t('collect.mail.folder')} value={form.imapFolder} onChange={(e) => set('imapFolder', e.currentTarget.value)} error={err('imapFolder')} required autoComplete="off" />
          </SimpleGrid>
        </>}
        {imap && <>
          {!editing && <Text size="sm">{t('collect.mail.imapIntro')}</Text>}
          {server}
          <Checkbox label={t('collect.mail.tls')} description={t('collect.mail.tlsHint')} checked={form.tls} onChange={(e) => { const on = e.currentTarget.checked; set('tls', on); if (form.port === (on ? '143' : '993')) set('port', on ? '993' : '143'); }} />
        </>}
        {(imap || signin) && (
          <TextInput label={t('collect.mail.moveTo')} description={t('collect.mail.moveToHint')} value={form.moveTo} onChange={(e) => set('moveTo', e.currentTarget.value)} maxLength={200} autoComplete="off" />
        )}
        <Textarea label={t('collect.mail.allowList')} description={t('collect.mail.allowListHint')} value={form.allowList} onChange={(e) => set('allowList', e.currentTarget.value)}
          error={err('allowList')} rows={3} className="path" placeholder={'ap@supplier.example\nsupplier.example'} />
        <NativeSelect label={t('collect.mail.others')} value={form.others} onChange={(e) => set('others', e.currentTarget.value as Policy)}
          data={POLICIES.map((p) => ({ value: p, label: t(`collect.mail.policies.${p}`) }))} />
        <Checkbox label={t('collect.mail.bodyToPdf')} description={t('collect.mail.bodyToPdfHint')} checked={form.bodyToPdf} onChange={(e) => set('bodyToPdf', e.currentTarget.checked)} />
      </Stack>
    </Paper>
  );
}
