import { useEffect, useState, type FormEvent } from 'react';
import { Alert, Button, Center, Group, NumberInput, Paper, PasswordInput, Stack, Stepper, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useParams, useSearchParams } from 'react-router-dom';
import { api, unwrap } from '../../api/client';
import { useLoad } from '../../api/use-load';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FolderBrowser, type FolderSource } from '../../components/FolderPicker';
import { LanguagePicker } from '../../components/LanguagePicker';

/** SFTP or WebDAV: the client's server, tested by Dossier before it is kept. */
function ServerDetails({ token, kind, onConnected }: { token: string; kind: 'sftp' | 'webdav'; onConnected(): void }) {
  const { t } = useTranslation();
  const [s, setS] = useState<Record<string, string | number>>(kind === 'sftp' ? { port: 22 } : {});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const text = (k: string, label: string) => <TextInput label={label} value={String(s[k] ?? '')} onChange={(e) => { const v = e.currentTarget.value; setS((o) => ({ ...o, [k]: v })); }} autoComplete="off" required={k !== 'root'} />;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const settings = Object.fromEntries(Object.entries(s).filter(([, v]) => v !== ''));
    try {
      await unwrap(api.POST('/v1/invitations/{token}/server', { params: { path: { token } }, body: { settings } }));
      onConnected();
    } catch (x) { setError(x); } finally { setBusy(false); }
  };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-label={t('collect.client.server')}>
      <Stack>
        <ErrorAlert error={error} />
        {kind === 'sftp' ? <>
          {text('host', t('wizard.fields.host'))}
          <NumberInput label={t('wizard.fields.port')} value={Number(s.port ?? 22)} min={1} max={65535} onChange={(v) => setS((o) => ({ ...o, port: Number(v) || 22 }))} />
        </> : text('url', t('wizard.fields.url'))}
        {text('username', t('wizard.fields.username'))}
        <PasswordInput label={t('wizard.fields.password')} value={String(s.password ?? '')} onChange={(e) => { const v = e.currentTarget.value; setS((o) => ({ ...o, password: v })); }} autoComplete="new-password" />
        {text('root', t('wizard.fields.root'))}
        <Button type="submit" loading={busy} w="fit-content">{t('collect.client.connectServer')}</Button>
      </Stack>
    </form>
  );
}

/**
 * The client's page from the invitation link, with no account: the link's token alone allows
 * its steps. Connect (the provider's consent, or the server's details), choose the folder, done.
 */
export function InvitationPage() {
  const { t } = useTranslation();
  const { token = '' } = useParams();
  const [params, setParams] = useSearchParams();
  // Back from the consent with ?connection= (nothing the client needs to see or bookmark), or
  // with ?error= when the sign-in did not connect (declined, say): shown until the next try.
  const [signInError] = useState(() => params.get('error'));
  useEffect(() => { if (params.has('connection') || params.has('error')) setParams({}, { replace: true }); }, [params, setParams]);
  const view = useLoad(() => unwrap(api.GET('/v1/invitations/{token}', { params: { path: { token } } })), [token]);
  const [chosen, setChosen] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const v = view.data;
  const provider = v?.channel.title ?? '';
  const step = done ? 2 : v?.step === 'choose_folder' ? 1 : 0;
  const source: FolderSource = {
    list: (path) => unwrap(api.GET('/v1/invitations/{token}/folders', { params: { path: { token }, query: { path } } })),
    // Only where the access may write: a read-only account cannot take a new folder.
    ...(v?.canCreateFolder && {
      create: (path: string) => {
        const cut = path.lastIndexOf('/');
        return unwrap(api.POST('/v1/invitations/{token}/folders', { params: { path: { token } }, body: { parent: cut < 0 ? '' : path.slice(0, cut), name: path.slice(cut + 1) } }));
      },
    }),
  };

  const authorize = async () => {
    setBusy(true);
    setError(null);
    try {
      // Back to this page after the consent; the server checks it is a page of this installation.
      const { url } = await unwrap(api.POST('/v1/invitations/{token}/authorize', { params: { path: { token } }, body: { returnTo: `${window.location.origin}/invite/${encodeURIComponent(token)}` } }));
      window.location.assign(url);
    } catch (x) { setError(x); setBusy(false); }
  };
  const choose = async () => {
    if (chosen === null) return;
    setBusy(true);
    setError(null);
    try {
      const r = await unwrap(api.POST('/v1/invitations/{token}/folder', { params: { path: { token } }, body: { path: chosen } }));
      setDone(r.channel);
    } catch (x) { setError(x); } finally { setBusy(false); }
  };

  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p={{ base: 'md', sm: 'xl' }} w="100%" maw={640}>
        <Stack>
          <Group justify="space-between" align="flex-start" wrap="nowrap">
            <Title order={1} size="h2">{done ? t('collect.client.doneTitle') : v ? t('collect.client.title', { provider }) : view.error ? t('collect.client.failed') : t('app.loading')}</Title>
            <div style={{ flexShrink: 0 }}><LanguagePicker hideLabel /></div>
          </Group>
          <ErrorAlert error={view.error ?? error} title={view.error ? t('collect.client.failed') : undefined} />
          {v && <>
            <Text>{t('collect.client.intro', { company: v.channel.company })} {v.channel.moveCollected ? t('collect.client.moves') : t('collect.client.readOnly')}</Text>
            <Stepper active={step} size="sm" allowNextStepsSelect={false}>
              <Stepper.Step label={t('collect.client.steps.connect')}>
                {signInError && !busy && <Alert color="red" role="alert" mt="md" title={t('collect.client.notConnected')}><Text size="sm">{signInError}</Text></Alert>}
                {v.channel.kind === 'sftp' || v.channel.kind === 'webdav'
                  ? <ServerDetails token={token} kind={v.channel.kind} onConnected={() => void view.reload()} />
                  : <Button onClick={() => void authorize()} loading={busy} mt="md">{t('collect.client.connect', { provider })}</Button>}
              </Stepper.Step>
              <Stepper.Step label={t('collect.client.steps.folder')}>
                <Stack mt="md">
                  <Text fw={500}>{t('collect.client.chooseFolder')}</Text>
                  {step === 1 && <FolderBrowser source={source} sourceKey={token} selected={chosen} onSelect={setChosen} topLabel={provider} />}
                  <Button onClick={() => void choose()} disabled={chosen === null} loading={busy} w="fit-content">{t('collect.client.collectHere')}</Button>
                </Stack>
              </Stepper.Step>
              <Stepper.Completed>
                <Text mt="md" role="status">{t('collect.client.done', { company: v.channel.company })}</Text>
              </Stepper.Completed>
            </Stepper>
          </>}
        </Stack>
      </Paper>
    </Center>
  );
}
