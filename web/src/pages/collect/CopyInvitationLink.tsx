import { useState } from 'react';
import { Button } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { useApiErrorText } from '../../components/ErrorAlert';

/**
 * Beside "Send again": a new one-time link without an e-mail, put on the clipboard, for the
 * accountant to pass on in a message of their own. The earlier link stops working, as with a mail.
 */
export function CopyInvitationLink({ channelId }: { channelId: string }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const said = useApiErrorText();
  const copy = async () => {
    setBusy(true);
    try {
      const { link } = await unwrap(api.POST('/v1/channels/{id}/invite', { params: { path: { id: channelId } }, body: { mail: false } }));
      await navigator.clipboard.writeText(link);
      notifications.show({ message: t('channelMail.copied'), color: 'green' });
    } catch (e) {
      notifications.show({ color: 'red', title: t('common.error'), message: said(e) ?? (e instanceof Error ? e.message : String(e)) });
    } finally { setBusy(false); }
  };
  return <Button w="fit-content" variant="default" loading={busy} onClick={() => void copy()}>{t('channelMail.copyLink')}</Button>;
}
