import { useState } from 'react';
import { Alert, Button, Checkbox, Code, NumberInput, PasswordInput, SegmentedControl, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '../../api/client';
import { useFormat } from '../../i18n/format';
import { ErrorAlert } from '../../components/ErrorAlert';
import type { Draft } from './draft';
import { ServerFolders } from './ServerFolders';

/** The settings object POST /v1/destinations(/test) takes: empty fields left out, the confirmed host key added. */
export function serverSettings(d: Draft): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d.settings)) {
    if (k === 'authMethod' || v === '') continue;
    if (d.settings.authMethod === 'key' && k === 'password') continue;
    if (d.settings.authMethod !== 'key' && (k === 'privateKey' || k === 'passphrase')) continue;
    out[k] = v;
  }
  if (d.kind === 'sftp' && d.hostKeyConfirmed && d.hostKeySha256) out.hostKeySha256 = d.hostKeySha256;
  return out;
}

/** SFTP, WebDAV, S3 and local folders: the form, "test connection", and for SFTP the host key to confirm. */
export function ServerForm({ draft, update }: { draft: Draft; update(p: Partial<Draft>): void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [result, setResult] = useState<Schemas['ConnectionTest'] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const s = draft.settings;
  // Any change means the last test no longer speaks for these settings.
  const set = (k: string, v: string | number | boolean) => { setResult(null); update({ settings: { ...s, [k]: v }, tested: false, hostKeySha256: null, hostKeyConfirmed: false }); };
  const text = (k: string, label: string, props: Record<string, unknown> = {}) => (
    <TextInput label={label} value={String(s[k] ?? '')} onChange={(e) => set(k, e.currentTarget.value)} {...props} />
  );
  const secret = (k: string, label: string) => (
    <PasswordInput label={label} value={String(s[k] ?? '')} onChange={(e) => set(k, e.currentTarget.value)} autoComplete="new-password" />
  );

  const test = async () => {
    setBusy(true); setError(null); setResult(null);
    try {
      const r = await unwrap(api.POST('/v1/destinations/test', { body: { kind: draft.kind, settings: serverSettings(draft) } }));
      setResult(r);
      update({ tested: r.ok, hostKeySha256: r.hostKeySha256, hostKeyConfirmed: draft.hostKeyConfirmed && r.hostKeySha256 === draft.hostKeySha256 });
    } catch (e) { setError(e); } finally { setBusy(false); }
  };

  return (
    <Stack mt="md" maw={560}>
      {draft.kind === 'sftp' && <>
        {text('host', t('wizard.fields.host'), { required: true, autoComplete: 'off' })}
        <NumberInput label={t('wizard.fields.port')} value={Number(s.port ?? 22)} min={1} max={65535} onChange={(v) => set('port', Number(v) || 22)} />
        {text('username', t('wizard.fields.username'), { required: true, autoComplete: 'off' })}
        <Stack gap={4}>
          <Text size="sm" fw={500} id="auth-method">{t('wizard.fields.authMethod')}</Text>
          <SegmentedControl aria-labelledby="auth-method" value={String(s.authMethod ?? 'password')} onChange={(v) => set('authMethod', v)}
            data={[{ value: 'password', label: t('wizard.fields.usePassword') }, { value: 'key', label: t('wizard.fields.useKey') }]} w="fit-content" />
        </Stack>
        {s.authMethod === 'key'
          ? <>
            <Textarea label={t('wizard.fields.privateKey')} value={String(s.privateKey ?? '')} onChange={(e) => set('privateKey', e.currentTarget.value)} autosize minRows={4} ff="monospace" spellCheck={false} />
            {secret('passphrase', t('wizard.fields.passphrase'))}
          </>
          : secret('password', t('wizard.fields.password'))}
        {text('root', t('wizard.fields.root'))}
      </>}
      {draft.kind === 'webdav' && <>
        {text('url', t('wizard.fields.url'), { required: true, type: 'url', placeholder: 'https://cloud.example.com/remote.php/dav/files/alice/' })}
        {text('username', t('wizard.fields.username'), { required: true, autoComplete: 'off' })}
        {secret('password', t('wizard.fields.password'))}
        {text('root', t('wizard.fields.root'))}
      </>}
      {draft.kind === 's3' && <>
        {text('endpoint', t('wizard.fields.endpoint'), { type: 'url', placeholder: 'https://s3.eu-central-003.backblazeb2.com' })}
        {text('region', t('wizard.fields.region'), { placeholder: 'us-east-1' })}
        {text('bucket', t('wizard.fields.bucket'), { required: true, autoComplete: 'off' })}
        {text('prefix', t('wizard.fields.prefix'))}
        <Checkbox label={t('wizard.fields.pathStyle')} checked={s.pathStyle === true} onChange={(e) => set('pathStyle', e.currentTarget.checked)} />
        {text('accessKeyId', t('wizard.fields.accessKeyId'), { required: true, autoComplete: 'off' })}
        {secret('secretAccessKey', t('wizard.fields.secretAccessKey'))}
        <Checkbox label={t('wizard.fields.objectLock')} description={t('wizard.fields.objectLockRetention')} checked={s.objectLock === true} onChange={(e) => set('objectLock', e.currentTarget.checked)} />
        {s.objectLock === true && <Checkbox ml="xl" label={t('wizard.fields.objectLockGovernance')} description={t('wizard.fields.objectLockGovernanceHint')} checked={s.objectLockMode === 'GOVERNANCE'} onChange={(e) => set('objectLockMode', e.currentTarget.checked ? 'GOVERNANCE' : 'COMPLIANCE')} />}
        <NumberInput label={t('wizard.fields.objectLockYears')} description={t('wizard.fields.objectLockHint')} value={Number(s.objectLockYears ?? 0)} min={0} max={100} onChange={(v) => set('objectLockYears', Number(v) || 0)} />
        <Checkbox label={t('wizard.fields.checksumSha256')} checked={s.checksumSha256 === true} onChange={(e) => set('checksumSha256', e.currentTarget.checked)} />
      </>}
      {draft.kind === 'local' && text('root', t('wizard.fields.localRoot'), { required: true, placeholder: '/srv/dossier/backup' })}
      <Button onClick={() => void test()} loading={busy} variant="light" w="fit-content">{busy ? t('wizard.testing') : t('wizard.testConnection')}</Button>
      <ErrorAlert error={error} />
      <div aria-live="polite">
        {result && !result.ok && <Alert color="red" role="alert">{t('wizard.testFailed', { message: result.message })}</Alert>}
        {result?.ok && <Alert color="green">{t('wizard.testOk')}{result.free !== null ? ` ${t('wizard.free', { size: format.bytes(result.free) })}` : ''}</Alert>}
      </div>
      {draft.kind === 'sftp' && result?.ok && result.hostKeySha256 && (
        <Alert color="yellow" title={t('wizard.hostKey')}>
          <Stack gap="xs">
            <Code block data-testid="host-key">{result.hostKeySha256}</Code>
            <Text size="sm">{t('wizard.hostKeyHint')}</Text>
            <Checkbox label={t('wizard.hostKeyConfirm')} checked={draft.hostKeyConfirmed} onChange={(e) => update({ hostKeyConfirmed: e.currentTarget.checked })} />
          </Stack>
        </Alert>
      )}
      {(draft.kind === 'sftp' || draft.kind === 'webdav') && <ServerFolders draft={draft} update={update} />}
    </Stack>
  );
}
