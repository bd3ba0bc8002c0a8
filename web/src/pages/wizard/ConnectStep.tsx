import { useState } from 'react';
import { Alert, Button, Radio, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { useLoad } from '../../api/use-load';
import { ErrorAlert } from '../../components/ErrorAlert';
import { StateBadge } from '../../components/StateBadge';
import { OAUTH_KINDS } from '../../kinds';
import { saveDraft, type Draft } from './draft';
import { ServerForm } from './ServerForm';

/** OAuth: off to the provider's consent page, and back to this wizard with ?connection=. */
function OAuthConnect({ draft, update, signInError }: ConnectProps) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const options = useLoad(async () => {
    const [providers, connections] = await Promise.all([unwrap(api.GET('/v1/providers')), unwrap(api.GET('/v1/connections'))]);
    return { providers: providers.items.filter((p) => p.kind === draft.kind), connections: connections.items.filter((c) => c.kind === draft.kind) };
  }, [draft.kind]);
  const current = options.data?.connections.find((c) => c.id === draft.connectionId);

  const signIn = async (provider: string) => {
    setBusy(provider);
    setError(null);
    try {
      saveDraft(draft);
      const returnTo = `${window.location.origin}/destinations/new?kind=${draft.kind}`;
      const { url } = await unwrap(api.POST('/v1/connections/{provider}/authorize', { params: { path: { provider } }, body: { returnTo } }));
      window.location.assign(url);
    } catch (e) {
      setError(e);
      setBusy(null);
    }
  };

  return (
    <Stack mt="md">
      <ErrorAlert error={error ?? options.error} />
      {signInError && !current && <Alert color="red" role="alert" title={t('wizard.signInFailed')}><Text size="sm">{signInError}</Text></Alert>}
      {current && (
        <Alert color={current.state === 'ready' ? 'green' : 'orange'} role="status" title={t('wizard.connectedOk')}>
          <Text size="sm">{t('wizard.connectedAs', { account: current.account?.email ?? current.account?.name ?? current.label })} <StateBadge state={current.state} /></Text>
        </Alert>
      )}
      {(options.data?.providers ?? []).map((p) => (
        <Stack key={p.id} gap={4}>
          <Button onClick={() => void signIn(p.id)} loading={busy === p.id} w="fit-content">{t('wizard.signInWith', { provider: p.title })}</Button>
          <Text size="sm" c="dimmed">{t('wizard.signInHint', { provider: p.title })}</Text>
        </Stack>
      ))}
      {(options.data?.connections.filter((c) => c.state === 'ready').length ?? 0) > 0 && (
        <Radio.Group label={t('wizard.useExisting')} value={draft.connectionId ?? ''} onChange={(v) => update({ connectionId: v, root: null })}>
          <Stack gap="xs" mt="xs">
            {options.data!.connections.filter((c) => c.state === 'ready').map((c) => (
              <Radio key={c.id} value={c.id} label={`${c.account?.email ?? c.account?.name ?? c.label}${c.sandbox ? ` (${t('common.sandbox')})` : ''}`} />
            ))}
          </Stack>
        </Radio.Group>
      )}
    </Stack>
  );
}

interface ConnectProps { draft: Draft; update(p: Partial<Draft>): void; signInError?: string | null }

export function ConnectStep({ draft, update, signInError }: ConnectProps) {
  return OAUTH_KINDS.has(draft.kind) ? <OAuthConnect draft={draft} update={update} signInError={signInError} /> : <ServerForm draft={draft} update={update} />;
}
