import { useState } from 'react';
import { Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { useLoad } from '../../api/use-load';
import { useFormat } from '../../i18n/format';
import { ErrorAlert } from '../../components/ErrorAlert';

/**
 * An e-mail channel's messages kept aside for review (the sender is not on its list), each
 * with its sender, subject and authentication results, to let in (its documents are filed) or
 * refuse (nothing filed, the kept copy deleted). For users who review the inbox.
 */
export function HeldMessages({ channelId, onChange }: { channelId: string; onChange?(): void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const held = useLoad(() => unwrap(api.GET('/v1/channels/{id}/held', { params: { path: { id: channelId }, query: { limit: 100 } } })), [channelId]);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const decide = async (messageKey: string, action: 'release' | 'refuse') => {
    setBusy(messageKey);
    setError(null);
    try {
      if (action === 'release') {
        const out = await unwrap(api.POST('/v1/channels/{id}/held/release', { params: { path: { id: channelId } }, body: { messageKey } }));
        notifications.show({ color: 'green', message: t('collect.held.released', { count: out.filed, n: format.number(out.filed) }) });
      } else {
        await unwrap(api.POST('/v1/channels/{id}/held/refuse', { params: { path: { id: channelId } }, body: { messageKey } }));
        notifications.show({ color: 'green', message: t('collect.held.refused') });
      }
      await held.reload();
      onChange?.();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  const items = held.data?.items ?? [];
  return (
    <Paper withBorder p="md" data-testid="held-messages">
      <Stack gap="xs">
        <Title order={2} size="h4">{t('collect.held.title')}</Title>
        <Text size="sm" c="dimmed">{t('collect.held.hint')}</Text>
        <ErrorAlert error={error ?? held.error} />
        {held.data && items.length === 0 && <Text size="sm">{t('collect.held.none')}</Text>}
        {items.length > 0 && (
          <Table.ScrollContainer minWidth={560}>
            <Table fz="sm" aria-label={t('collect.held.title')}>
              <Table.Thead>
                <Table.Tr><Table.Th>{t('collect.held.from')}</Table.Th><Table.Th>{t('collect.held.subject')}</Table.Th><Table.Th>{t('collect.held.received')}</Table.Th><Table.Th /></Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((m) => (
                  <Table.Tr key={m.messageKey}>
                    <Table.Td>
                      <Text size="sm">{m.fromAddress ?? m.envelopeFrom ?? t('collect.held.unknownSender')}</Text>
                      {(m.spf || m.dkim || m.dmarc) && <Text size="xs" c="dimmed">SPF {m.spf ?? '-'} · DKIM {m.dkim ?? '-'} · DMARC {m.dmarc ?? '-'}</Text>}
                    </Table.Td>
                    <Table.Td>{m.subject || t('collect.held.noSubject')}</Table.Td>
                    <Table.Td>{format.dateTime(m.receivedAt)}</Table.Td>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap" justify="flex-end">
                        <Button size="xs" disabled={busy !== null} loading={busy === m.messageKey} onClick={() => void decide(m.messageKey, 'release')}>{t('collect.held.release')}</Button>
                        <Button size="xs" color="red" variant="light" disabled={busy !== null} onClick={() => void decide(m.messageKey, 'refuse')}>{t('collect.held.refuse')}</Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Paper>
  );
}
