import { useState } from 'react';
import { Alert, Badge, Button, CopyButton, Group, Modal, Paper, Progress, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { api, unwrap, type Schemas } from '../../api/client';
import { useCollectEvents, type CollectEvent } from '../../api/events';
import { useRight } from '../../api/rights';
import { useLoad } from '../../api/use-load';
import { useFormat } from '../../i18n/format';
import { ErrorAlert } from '../../components/ErrorAlert';
import { RunAccordion } from '../../components/RunHistory';
import { StateBadge } from '../../components/StateBadge';
import { shownPath } from '../../components/FolderPicker';
import { binderChoice, ChannelForm, clientFields, formOf, type Form } from './ChannelForm';
import { CopyInvitationLink } from './CopyInvitationLink';
import { HeldMessages } from './HeldMessages';
import { mailOptionsOf, serverChangeOf } from './MailFields';

type Live = Extract<CollectEvent, { type: 'collect.progress' }> | null;
type Detail = Schemas['ChannelDetail'];
const FILE_STATES = ['collected', 'pending', 'failed', 'duplicate', 'gone'] as const;
const GOOD = new Set(['collected', 'changed', 'likely_duplicate']);

function RunItems({ runId }: { runId: string }) {
  const { t } = useTranslation();
  const { data } = useLoad(() => unwrap(api.GET('/v1/collect-runs/{id}', { params: { path: { id: runId }, query: { limit: 500 } } })), [runId]);
  if (!data) return <Text size="sm">{t('app.loading')}</Text>;
  if (data.items.length === 0) return <Text size="sm" c="dimmed">{t('collect.noItems')}</Text>;
  return (
    <Table.ScrollContainer minWidth={420}>
      <Table fz="sm" aria-label={t('collect.items')}>
        <Table.Thead><Table.Tr><Table.Th>{t('collect.path')}</Table.Th><Table.Th>{t('collect.outcome')}</Table.Th></Table.Tr></Table.Thead>
        <Table.Tbody>
          {data.items.map((item) => (
            <Table.Tr key={item.id}>
              <Table.Td className="path">{item.path}</Table.Td>
              <Table.Td>
                <Badge color={GOOD.has(item.outcome) ? 'green' : item.error ? 'red' : 'gray'} variant="light">{t(`collect.outcomes.${item.outcome}`)}</Badge>
                {item.error && <Text size="xs" c="red">{item.error}</Text>}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** An e-mail channel's own address, to give to the client or its suppliers, with a copy button. */
function IntakeAddress({ address }: { address: string }) {
  const { t } = useTranslation();
  return (
    <Paper withBorder p="md" data-testid="intake-address">
      <Stack gap="xs">
        <Text fw={500}>{t('collect.address')}</Text>
        <Group gap="sm" wrap="wrap">
          <Text className="path" data-testid="address">{address}</Text>
          <CopyButton value={address}>
            {({ copied, copy }) => <Button size="xs" variant="light" color={copied ? 'green' : undefined} onClick={copy}>{copied ? t('collect.copied') : t('collect.copy')}</Button>}
          </CopyButton>
        </Group>
        <Text size="sm" c="dimmed">{t('collect.addressHint')}</Text>
      </Stack>
    </Paper>
  );
}

/**
 * The mailbox an IMAP channel reads; for one signed in to with Microsoft 365 or Gmail, the
 * sign-in (to start, or again when the grant ended), and what the provider answered.
 */
function MailServerPanel({ channel, canConfigure, onError }: { channel: Detail; canConfigure: boolean; onError(e: unknown): void }) {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const [busy, setBusy] = useState(false);
  const s = channel.server!;
  const failed = params.get('error');
  const signIn = async () => {
    setBusy(true);
    try {
      const { url } = await unwrap(api.POST('/v1/channels/{id}/sign-in', { params: { path: { id: channel.id } }, body: { returnTo: `${window.location.origin}/collection/${channel.id}` } }));
      window.location.assign(url);
    } catch (e) {
      onError(e);
      setBusy(false);
    }
  };
  return (
    <Paper withBorder p="md" data-testid="mail-server">
      <Stack gap="xs">
        <Text fw={500}>{t('collect.mail.server')}</Text>
        <Text size="sm" className="path" data-testid="mail-server-address">{s.username} · {s.host}:{s.port} · {s.mailbox}</Text>
        {failed && <Alert color="red" role="alert" withCloseButton onClose={() => { params.delete('error'); setParams(params, { replace: true }); }}>{t('collect.mail.signInFailed', { message: failed })}</Alert>}
        {s.signIn && !s.signedIn && <Text size="sm" c="orange">{t('collect.mail.signInNeeded')}</Text>}
        {s.signIn && canConfigure && (
          <Button w="fit-content" variant={s.signedIn ? 'light' : 'filled'} loading={busy} onClick={() => void signIn()}>{s.signedIn ? t('collect.mail.signInAgain') : t('collect.mail.signInButton')}</Button>
        )}
      </Stack>
    </Paper>
  );
}

/** Where the client stands with the invitation: waiting (sent, expiring), signed in, or connected. */
function InvitationState({ channel, canConfigure, onSend }: { channel: Detail; canConfigure: boolean; onSend(): void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const inv = channel.invitation;
  if (channel.kind === 'local' || channel.kind === 'email') return null;
  let text = t('collect.invitationNone');
  if (inv?.usedAt) text = t('collect.invitationConnected', { at: format.dateTime(inv.usedAt) });
  else if (inv && Date.parse(inv.expiresAt) <= Date.now()) text = t('collect.invitationExpired', { until: format.dateTime(inv.expiresAt) });
  else if (inv?.connectedAt) text = t('collect.invitationSignedIn', { at: format.dateTime(inv.connectedAt) });
  else if (inv?.purpose === 'reminder') text = t('collect.invitationReminder', { email: inv.sentTo, sent: format.dateTime(inv.sentAt), until: format.dateTime(inv.expiresAt) });
  else if (inv) text = t('collect.invitationWaiting', { email: inv.sentTo, sent: format.dateTime(inv.sentAt), until: format.dateTime(inv.expiresAt) });
  return (
    <Paper withBorder p="md" data-testid="invitation">
      <Stack gap="xs">
        {/* The badge says what the server says of the channel, not what the latest e-mail was. */}
        <Group gap="sm"><Text fw={500}>{t('collect.invitation')}</Text>{channel.state === 'waiting_for_client'
          ? <Badge color="blue" variant="light">{t('collect.states.waiting_for_client')}</Badge>
          : channel.folder !== null ? <Badge color="green" variant="light">{t('collect.connected')}</Badge> : null}</Group>
        <Text size="sm">{text}</Text>
        {canConfigure && channel.clientEmail && <Group gap="xs"><Button w="fit-content" variant="light" onClick={onSend}>{t('collect.sendAgain')}</Button><CopyInvitationLink channelId={channel.id} /></Group>}
      </Stack>
    </Paper>
  );
}

/** One channel: its state, the invitation, the files by state, the run in progress (live), its history, and run now / pause / remove. */
export function ChannelPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const navigate = useNavigate();
  const { id = '' } = useParams();
  const canConfigure = useRight('configure_collection');
  const canReview = useRight('review_inbox');
  const [live, setLive] = useState<Live>(null);
  const [error, setError] = useState<unknown>(null);
  const [confirming, confirmDialog] = useDisclosure(false);
  const [removing, removeDialog] = useDisclosure(false);
  const [editing, editDialog] = useDisclosure(false);
  const [sending, sendDialog] = useDisclosure(false);
  const detail = useLoad(() => unwrap(api.GET('/v1/channels/{id}', { params: { path: { id } } })), [id]);
  const runs = useLoad(() => unwrap(api.GET('/v1/channels/{id}/runs', { params: { path: { id }, query: { limit: 20 } } })), [id]);

  useCollectEvents((e) => {
    if (e.type === 'collect.started') { setLive({ type: 'collect.progress', channelId: e.channelId, runId: e.runId, found: 0, collected: 0, failed: 0 }); void runs.reload(); }
    if (e.type === 'collect.progress') setLive(e);
    if (e.type === 'collect.finished') { setLive(null); void detail.reload(); void runs.reload(); }
  }, id);

  const act = async (what: () => Promise<unknown>, done?: (answer: unknown) => string) => {
    setError(null);
    try {
      const answer = await what();
      if (done) notifications.show({ message: done(answer), color: 'green' });
      await detail.reload();
      await runs.reload();
    } catch (e) { setError(e); }
  };
  // One request at a time: the button is off from the first click until the server answered.
  const [starting, setStarting] = useState(false);
  const runNow = async () => {
    if (starting) return;
    setStarting(true);
    try {
      await act(() => unwrap(api.POST('/v1/channels/{id}/run', { params: { path: { id } }, body: { confirm: true } })), (a) => (a as { message: string }).message);
    } finally {
      setStarting(false);
      confirmDialog.close();
    }
  };
  const sendAgain = () => { sendDialog.close(); void act(() => unwrap(api.POST('/v1/channels/{id}/invite', { params: { path: { id } }, body: {} })), (a) => t(c?.state === 'active' ? 'collect.invited' : 'collect.sentAgain', { email: (a as { sentTo: string }).sentTo })); };
  const save = async (f: Form) => {
    const server = f.kind === 'email' ? serverChangeOf(f, detail.data?.server) : null;
    await unwrap(api.PATCH('/v1/channels/{id}', {
      params: { path: { id } },
      body: {
        name: f.name.trim(), recipientId: f.recipientId, collectAt: f.collectAt, moveCollected: f.moveCollected, ...binderChoice(f),
        ...(f.kind !== 'local' && f.kind !== 'email' && clientFields(f)),
        ...(f.kind === 'email' && { mail: mailOptionsOf(f, f.mailWay !== 'address') }),
        ...(server && { settings: server }),
      },
    }));
    editDialog.close();
    notifications.show({ color: 'green', message: t('collect.saved') });
    await detail.reload();
  };
  const remove = async () => {
    removeDialog.close();
    await act(() => unwrap(api.DELETE('/v1/channels/{id}', { params: { path: { id } } })));
    navigate('/collection');
  };

  // Each count agrees with its number (1 trouvé, 2 trouvés): i18next picks the plural form.
  const counts = (n: { found: number; collected: number; failed: number }) => Object.fromEntries((['found', 'collected', 'failed'] as const)
    .map((k) => [k, t(`collect.counts.${k}`, { count: n[k], n: format.number(n[k]) })]));
  const c = detail.data;
  if (!c) return <Stack><ErrorAlert error={detail.error} />{!detail.error && <Text>{t('app.loading')}</Text>}</Stack>;
  // Mail to a channel's own address is filed as it comes: there is nothing to run.
  const runnable = (c.state === 'active' || c.state === 'needs_attention') && !c.intakeAddress;
  const percent = live && live.found > 0 ? Math.round(((live.collected + live.failed) / live.found) * 100) : 0;

  return (
    <Stack maw={960}>
      <Group justify="space-between" wrap="wrap">
        <Group gap="sm"><Title order={1}>{c.name}</Title><StateBadge state={c.state} kind="channel" /></Group>
        {canConfigure && c.state !== 'removed' && (
          <Group gap="xs">
            <Button disabled={!runnable} onClick={confirmDialog.open}>{t('collect.runNow')}</Button>
            {c.state === 'paused'
              ? <Button variant="default" onClick={() => void act(() => unwrap(api.POST('/v1/channels/{id}/resume', { params: { path: { id } } })))}>{t('collect.resume')}</Button>
              : <Button variant="default" onClick={() => void act(() => unwrap(api.POST('/v1/channels/{id}/pause', { params: { path: { id } } })))}>{t('collect.pause')}</Button>}
            <Button variant="default" onClick={editDialog.open}>{t('collect.edit')}</Button>
            <Button color="red" variant="subtle" onClick={removeDialog.open}>{t('collect.remove')}</Button>
          </Group>
        )}
      </Group>
      <ErrorAlert error={error} />
      {!canConfigure && <Text size="sm" c="dimmed">{t('collect.notAllowed')}</Text>}
      {c.stateReason && c.state === 'needs_attention' && <Alert color="orange" role="status">{c.stateReason}</Alert>}
      <Text size="sm" c="dimmed">
        {t(`collect.kinds.${c.kind}`)}{c.folder !== null && <> · <span className="path">{shownPath(c.folder)}</span></>} · {t('collect.collectAt')}: {c.collectAt}
        {c.moveCollected && <> · {t('collect.moveCollected')}</>}
      </Text>
      {c.intakeAddress && <IntakeAddress address={c.intakeAddress} />}
      {c.server && <MailServerPanel channel={c} canConfigure={canConfigure} onError={setError} />}
      <InvitationState channel={c} canConfigure={canConfigure} onSend={sendDialog.open} />
      {c.kind === 'email' && canReview && <HeldMessages channelId={c.id} onChange={() => void runs.reload()} />}
      <SimpleGrid cols={{ base: 2, xs: 3, sm: 5 }}>
        {FILE_STATES.map((k) => (
          <Paper key={k} withBorder p="sm">
            <Text size="xs" c="dimmed" tt="uppercase">{t(`collect.files.${k}`)}</Text>
            <Text size="xl" fw={700} data-testid={`files-${k}`}>{format.number(c.files[k])}</Text>
          </Paper>
        ))}
      </SimpleGrid>
      <Paper withBorder p="md" aria-live="polite" data-testid="live-progress">
        {live
          ? <Stack gap={6}>
            <Text size="sm">{t('collect.progress', counts(live))}</Text>
            <Progress value={percent} animated aria-label={t('collect.progress', counts(live))} />
          </Stack>
          : <Text size="sm" c="dimmed">{t('collect.idle')}</Text>}
      </Paper>
      <Title order={2} size="h3">{t('collect.history')}</Title>
      <RunAccordion runs={runs.data?.items ?? []} empty={t('collect.noRuns')}
        heading={(run) => `${format.dateTime(run.startedAt ?? run.queuedAt)} · ${t(`collect.triggers.${run.trigger}`, { defaultValue: run.trigger })}`}
        summary={(run) => t('collect.runSummary', counts(run))}
        badge={(run) => <StateBadge state={run.status} kind="collectRun" />}
        items={(run) => <RunItems runId={run.id} />} />
      <Modal opened={confirming} onClose={confirmDialog.close} title={t('collect.runConfirmTitle')} centered>
        <Stack>
          <Text>{t('collect.runConfirm', { name: c.name })}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={confirmDialog.close}>{t('common.cancel')}</Button>
            <Button onClick={() => void runNow()} loading={starting} disabled={starting} data-autofocus>{t('collect.runStart')}</Button>
          </Group>
        </Stack>
      </Modal>
      <Modal opened={sending} onClose={sendDialog.close} title={t('collect.sendTitle')} centered>
        <Stack>
          <Text>{t(c.state === 'active' || c.state === 'paused' ? 'collect.sendReminder' : 'collect.sendLink', { email: c.clientEmail })}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={sendDialog.close}>{t('common.cancel')}</Button>
            <Button onClick={sendAgain} data-autofocus>{t('collect.send')}</Button>
          </Group>
        </Stack>
      </Modal>
      <Modal opened={editing} onClose={editDialog.close} title={t('collect.editTitle')} size="lg" centered>
        <ChannelForm initial={formOf(c)} editing submitLabel={t('common.save')} onSubmit={save} />
      </Modal>
      <Modal opened={removing} onClose={removeDialog.close} title={t('collect.remove')} centered>
        <Stack>
          <Text>{t('collect.removeConfirm', { name: c.name })}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={removeDialog.close}>{t('common.cancel')}</Button>
            <Button color="red" onClick={() => void remove()}>{t('common.remove')}</Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
