import { useState, type FormEvent } from 'react';
import { Alert, Anchor, Button, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/client';
import { useSession } from '../api/session';
import { ErrorAlert } from '../components/ErrorAlert';
import { LanguagePicker } from '../components/LanguagePicker';
import { AlertSettings } from '../components/AlertSettings';

export function AccountPage() {
  const { t } = useTranslation();
  const { session } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const tooShort = next.length > 0 && next.length < 10;
  const mismatch = repeat.length > 0 && next !== repeat;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (tooShort || mismatch || !next) return;
    setBusy(true); setError(null); setDone(false);
    try {
      await unwrap(api.POST('/v1/session/password', { body: { current, password: next } }));
      setDone(true); setCurrent(''); setNext(''); setRepeat('');
    } catch (err) { setError(err); } finally { setBusy(false); }
  };

  return (
    <Stack maw={520}>
      <Title order={1}>{t('account.title')}</Title>
      {session && <Text>{t('account.signedInAs', { name: session.user.name, email: session.user.email })}</Text>}
      {session && <Text c="dimmed">{t('account.organization', { name: session.organization.name })}</Text>}
      <LanguagePicker />
      <Paper withBorder p="md" component="form" onSubmit={(e: FormEvent) => void submit(e)}>
        <Stack>
          <Title order={2} size="h3">{t('account.changePassword')}</Title>
          {done && <Alert color="green" role="status">{t('account.changed')}</Alert>}
          <ErrorAlert error={error} />
          <PasswordInput label={t('account.current')} autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.currentTarget.value)} />
          <PasswordInput label={t('account.newPassword')} autoComplete="new-password" required value={next} onChange={(e) => setNext(e.currentTarget.value)} error={tooShort ? t('account.tooShort') : undefined} />
          <PasswordInput label={t('account.repeat')} autoComplete="new-password" required value={repeat} onChange={(e) => setRepeat(e.currentTarget.value)} error={mismatch ? t('account.mismatch') : undefined} />
          <Button type="submit" loading={busy} disabled={!current || !next || tooShort || mismatch}>{t('common.save')}</Button>
        </Stack>
      </Paper>
      <AlertSettings />
      {session?.user.role === 'admin' && <Anchor component={Link} to="/webhooks">{t('webhooks.title')}</Anchor>}
    </Stack>
  );
}
