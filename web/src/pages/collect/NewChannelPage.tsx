import { Stack, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { api, unwrap } from '../../api/client';
import { binderChoice, CHANNEL_KINDS, ChannelForm, clientFields, formOf } from './ChannelForm';
import { imapSettingsOf, mailOptionsOf, signInSettingsOf } from './MailFields';

/**
 * A new channel; the client is invited to connect the folder (a local folder needs no one).
 * ?kind= (from an integration card's "Activate") preselects the source.
 */
export function NewChannelPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const kind = CHANNEL_KINDS.find((k) => k === params.get('kind'));
  return (
    <Stack maw={760}>
      <Title order={1}>{t('collect.add')}</Title>
      <ChannelForm initial={{ ...formOf(), ...(kind && { kind }) }} submitLabel={t('collect.create')} onSubmit={async (f) => {
        const local = f.kind === 'local', email = f.kind === 'email';
        const source = local ? { folder: f.folder.trim() }
          : email ? f.mailWay === 'signin' ? { signIn: f.signIn, settings: signInSettingsOf(f), mail: mailOptionsOf(f, true) }
            : f.mailWay === 'imap' ? { settings: imapSettingsOf(f), mail: mailOptionsOf(f, true) }
            : { ...(f.mailbox.trim() && { mailbox: f.mailbox.trim().toLowerCase() }), mail: mailOptionsOf(f, false) }
            : clientFields(f);
        const channel = await unwrap(api.POST('/v1/channels', {
          body: {
            companyId: f.companyId, kind: f.kind, name: f.name.trim(), recipientId: f.recipientId, collectAt: f.collectAt, moveCollected: f.moveCollected, ...binderChoice(f),
            ...source,
          },
        }));
        if (email && f.mailWay === 'signin') {
          // Off to the provider's consent page; the callback brings the browser back to the channel.
          // Should that fail, the channel's page offers the sign-in again.
          const started = await api.POST('/v1/channels/{id}/sign-in', { params: { path: { id: channel.id } }, body: { returnTo: `${window.location.origin}/collection/${channel.id}` } });
          if (started.data) window.location.assign(started.data.url);
          else navigate(`/collection/${channel.id}`);
          return;
        }
        const created = t('collect.created', { name: channel.name });
        notifications.show({ color: 'green', message: local || (email && !channel.intakeAddress) ? created : email ? `${created} ${t('collect.addressGiven', { address: channel.intakeAddress ?? '' })}` : `${created} ${t('collect.invited', { email: channel.clientEmail })}` });
        navigate(`/collection/${channel.id}`);
      }} />
    </Stack>
  );
}
