import { useEffect, useState } from 'react';
import { Alert, Anchor, Badge, Button, Group, List, Loader, Paper, Select, Stack, Text, Title } from '@mantine/core';
import { Dropzone } from '@mantine/dropzone';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, unwrap, uploadForm, type Schemas } from '../../api/client';
import { useCollectEvents } from '../../api/events';
import { useLoad } from '../../api/use-load';
import { useRight } from '../../api/rights';
import { useFormat } from '../../i18n/format';
import { ErrorAlert } from '../../components/ErrorAlert';
import { shownPath } from '../../components/FolderPicker';
import { checkFiles } from '../../components/file-check';

type Drive = Schemas['SandboxDrive'];
type Put = Schemas['SandboxPutResult'];

const FINISHED = new Set(['done', 'done_with_errors', 'failed', 'interrupted']);

/** One channel's run after a file was put in: followed live (and asked again while it runs, in case an event came before the stream opened). */
function CollectWatch({ item }: { item: Put['collecting'][number] }) {
  const { t } = useTranslation();
  const run = useLoad(() => unwrap(api.GET('/v1/collect-runs/{id}', { params: { path: { id: item.runId } } })), [item.runId]);
  useCollectEvents((e) => { if (e.runId === item.runId && e.type !== 'collect.progress') void run.reload(); }, item.channelId);
  const status = run.data?.run.status;
  const finished = !!status && FINISHED.has(status);
  useEffect(() => {
    if (finished) return undefined;
    const timer = setInterval(() => void run.reload(), 1500);
    return () => clearInterval(timer);
  }, [finished, run]);
  const collected = (run.data?.run.collected ?? 0) > 0;
  if (!finished) return <Group gap="xs"><Loader size="xs" /><Text size="sm">{t('sandbox.collecting', { channel: item.name })}</Text></Group>;
  return (
    <Stack gap={4}>
      <Text size="sm" c={collected ? 'green' : 'red'} fw={500}>{collected ? t('sandbox.collected', { channel: item.name }) : t('sandbox.collectFailed', { channel: item.name })}</Text>
      <Group gap="sm">
        {collected && <Button component={Link} to="/inbox" size="xs">{t('sandbox.openInbox')}</Button>}
        <Anchor component={Link} to={`/collection/${item.channelId}`} size="sm">{t('sandbox.openChannel')}</Anchor>
      </Group>
    </Stack>
  );
}

/** One emulated account: who uses it, its files, and a drop zone that puts a file into a folder of it. */
function DriveCard({ drive, canPut, onChanged }: { drive: Drive; canPut: boolean; onChanged(): void }) {
  const { t } = useTranslation();
  const format = useFormat();
  // The channels' folders first: putting a file where a channel reads is what there is to try.
  const folders = [...new Set([...drive.channels.map((c) => c.folder), ''])];
  const [folder, setFolder] = useState(folders[0]!);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [refused, setRefused] = useState<string | null>(null);
  const [put, setPut] = useState<Put | null>(null);
  const where = folder ? shownPath(folder) : t('sandbox.top');

  const drop = async (files: File[]) => {
    setError(null); setRefused(null); setPut(null);
    const { kept, refused: bad } = await checkFiles(files.slice(0, 1));
    if (bad[0]) { setRefused(t(`apiErrors.${bad[0].reason}`, { file: bad[0].name })); return; }
    const file = kept[0];
    if (!file) return;
    setBusy(true);
    const form = new FormData();
    if (folder) form.append('folder', folder);
    form.append('file', file, file.name);
    try {
      setPut(await uploadForm<Put>(`/v1/sandbox/drives/${encodeURIComponent(drive.connectionId)}/files`, form));
      onChanged();
    } catch (e) { setError(e); } finally { setBusy(false); }
  };

  return (
    <Paper withBorder p="md" data-testid="sandbox-drive">
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Title order={2} size="h4" style={{ overflowWrap: 'anywhere' }}>{drive.label}</Title>
          <Badge variant="light" color="grape">{t('common.sandbox')}</Badge>
        </Group>
        {(drive.channels.length > 0 || drive.destinations.length > 0) && (
          <List size="sm" spacing={2}>
            {drive.channels.map((c) => <List.Item key={c.id}><Anchor component={Link} to={`/collection/${c.id}`} size="sm">{t('sandbox.readBy', { name: c.name, folder: shownPath(c.folder) })}</Anchor></List.Item>)}
            {drive.destinations.map((d) => <List.Item key={d.id}><Anchor component={Link} to={`/destinations/${d.id}`} size="sm">{t('sandbox.writtenBy', { name: d.name })}</Anchor></List.Item>)}
          </List>
        )}
        {drive.problem && <Alert color="orange">{drive.problem}</Alert>}
        <Text size="sm" fw={500}>{t('sandbox.files', { count: drive.files.length })}</Text>
        {drive.files.length === 0
          ? <Text size="sm" c="dimmed">{t('sandbox.empty')}</Text>
          : (
            <Stack gap={2} data-testid="sandbox-files">
              {drive.files.map((f) => (
                <Group key={f.path} justify="space-between" wrap="nowrap" gap="xs">
                  <Text size="sm" className="path" style={{ overflowWrap: 'anywhere', minWidth: 0 }}>{shownPath(f.path)}</Text>
                  <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>{format.bytes(f.size)}</Text>
                </Group>
              ))}
            </Stack>
          )}
        {drive.truncated && <Text size="xs" c="dimmed">{t('sandbox.truncated')}</Text>}
        {canPut && !drive.problem && (
          <>
            {folders.length > 1 && (
              <Select label={t('sandbox.folder')} data={folders.map((f) => ({ value: f, label: f ? shownPath(f) : t('sandbox.top') }))}
                value={folder} onChange={(v) => v !== null && setFolder(v)} allowDeselect={false} maw={360} />
            )}
            <Dropzone onDrop={(files) => void drop(files)} loading={busy} multiple={false} aria-label={t('sandbox.drop', { folder: where })} data-testid="sandbox-dropzone">
              <Stack align="center" gap={4} p="sm" style={{ pointerEvents: 'none' }}>
                <Text fw={500} ta="center" className="fine-pointer-only">{t('sandbox.drop', { folder: where })}</Text>
                <Text fw={500} ta="center" className="coarse-pointer-only">{t('sandbox.tap', { folder: where })}</Text>
                <Text size="sm" c="dimmed" ta="center">{t('sandbox.dropHint')}</Text>
              </Stack>
            </Dropzone>
          </>
        )}
        {refused && <Alert color="red" role="alert">{refused}</Alert>}
        <ErrorAlert error={error} />
        {put && (
          <Alert color="blue" role="status" data-testid="sandbox-put">
            <Stack gap="xs">
              <Text size="sm">{t('sandbox.put', { file: put.file.name, folder: shownPath(put.file.path.split('/').slice(0, -1).join('/')) })}</Text>
              {put.collecting.length === 0 && <Text size="sm">{t('sandbox.notCollected')}</Text>}
              {put.collecting.map((c) => <CollectWatch key={c.runId} item={c} />)}
            </Stack>
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}

/**
 * The sandbox's emulated drives (at /sandbox/): what the backups wrote and what the clients'
 * folders hold, and a drop zone per drive that puts a file in as its owner would, so a new user
 * sees a collected invoice arrive in the inbox without a real cloud account.
 */
export function SandboxPage() {
  const { t } = useTranslation();
  const canPut = useRight('configure_collection');
  const drives = useLoad(() => unwrap(api.GET('/v1/sandbox/drives')), []);
  const items = drives.data?.items ?? [];
  return (
    <Stack maw={960}>
      <Title order={1}>{t('sandbox.title')}</Title>
      <Text size="sm">{t('sandbox.intro')}</Text>
      <Text size="sm" fw={500}>{t('sandbox.tryIt')}</Text>
      <ErrorAlert error={drives.error} />
      {drives.data && items.length === 0 && (
        <Stack gap="xs">
          <Text c="dimmed">{t('sandbox.none')}</Text>
          <Group gap="sm">
            <Button component={Link} to="/collection/new" variant="default">{t('sandbox.setUpChannel')}</Button>
            <Button component={Link} to="/integrations" variant="default">{t('sandbox.setUpBackup')}</Button>
          </Group>
        </Stack>
      )}
      {items.map((d) => <DriveCard key={d.connectionId} drive={d} canPut={canPut} onChanged={() => void drives.reload()} />)}
    </Stack>
  );
}
