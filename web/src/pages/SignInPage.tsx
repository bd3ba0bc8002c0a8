import { useState, type FormEvent } from 'react';
import { Button, Center, Group, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Navigate, useSearchParams } from 'react-router-dom';
import { useSession } from '../api/session';
import { ErrorAlert } from '../components/ErrorAlert';
import { LanguagePicker } from '../components/LanguagePicker';

/**
 * Only same-site paths are followed after signing in: "next" cannot send the user elsewhere.
 * Without one, the overview: what needs doing comes before the documents.
 */
const safeNext = (next: string | null) => (next && next.startsWith('/') && !next.startsWith('//') ? next : '/home');

export function SignInPage() {
  const { t } = useTranslation();
  const { session, signIn } = useSession();
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (session) return <Navigate to={safeNext(params.get('next'))} replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try { await signIn(email, password); } catch (err) { setError(err); } finally { setBusy(false); }
  };

  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" w="100%" maw={420}>
        <form onSubmit={(e) => void submit(e)} noValidate>
          <Stack>
            <Group justify="space-between" align="flex-start">
              <Title order={1} size="h2">{t('signIn.title')}</Title>
              <LanguagePicker hideLabel />
            </Group>
            <ErrorAlert error={error} />
            <TextInput label={t('signIn.email')} type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} data-autofocus autoFocus />
            <PasswordInput label={t('signIn.password')} autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
            <Button type="submit" loading={busy}>{t('signIn.submit')}</Button>
            <Text size="sm" c="dimmed">{t('signIn.hint')}</Text>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
