import { useState, type FormEvent } from 'react';
import { Button, Center, Group, Loader, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { api, unwrap } from '../api/client';
import { useSession } from '../api/session';
import { useLoad } from '../api/use-load';
import { ErrorAlert } from '../components/ErrorAlert';
import { LanguagePicker } from '../components/LanguagePicker';

/** The page an invitation e-mail links to: choose a password, and be signed in with it. */
export function JoinPage() {
  const { t } = useTranslation();
  const { token = '' } = useParams();
  const navigate = useNavigate();
  const { signIn } = useSession();
  const invitation = useLoad(() => unwrap(api.GET('/v1/user-invitations/{token}', { params: { path: { token } } })), [token]);
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const tooShort = password.length > 0 && password.length < 10;
  const mismatch = repeat.length > 0 && password !== repeat;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!password || tooShort || mismatch) return;
    setBusy(true); setError(null);
    try {
      const { email } = await unwrap(api.POST('/v1/user-invitations/{token}', { params: { path: { token } }, body: { password } }));
      await signIn(email, password);
      navigate('/home', { replace: true });
    } catch (err) { setError(err); } finally { setBusy(false); }
  };

  const view = invitation.data;
  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" w="100%" maw={440}>
        <Stack>
          <Group justify="flex-end"><LanguagePicker hideLabel /></Group>
          {invitation.loading && !view && !invitation.error && <Loader aria-label={t('app.loading')} />}
          {invitation.error && <><Title order={1} size="h2">{t('join.invalid')}</Title><ErrorAlert error={invitation.error} /></>}
          {view && (
            <form onSubmit={(e) => void submit(e)} noValidate>
              <Stack>
                <Title order={1} size="h2">{t('join.title', { organization: view.organization })}</Title>
                <Text>{t('join.intro', { email: view.email })}</Text>
                <ErrorAlert error={error} />
                {/* The address, for the browser's password manager to store the new password under. */}
                <input type="email" name="username" autoComplete="username" value={view.email} readOnly hidden />
                <PasswordInput label={t('join.password')} autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)}
                  error={tooShort ? t('account.tooShort') : undefined} data-autofocus autoFocus />
                <PasswordInput label={t('join.repeat')} autoComplete="new-password" required value={repeat} onChange={(e) => setRepeat(e.currentTarget.value)}
                  error={mismatch ? t('account.mismatch') : undefined} />
                <Button type="submit" loading={busy} disabled={!password || tooShort || mismatch || password !== repeat}>{t('join.submit')}</Button>
              </Stack>
            </form>
          )}
        </Stack>
      </Paper>
    </Center>
  );
}
