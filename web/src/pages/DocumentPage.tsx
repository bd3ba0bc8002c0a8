import { useState } from 'react';
import { Anchor, FileButton, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useRight } from '../api/rights';
import { DocumentEditForm } from '../components/DocumentEditForm';
import { OriginalViewer } from '../components/original/OriginalViewer';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api, unwrap, uploadForm, type Schemas } from '../api/client';
import { useBackupEvents } from '../api/events';
import { useLoad } from '../api/use-load';
import { useFormat } from '../i18n/format';
import { ErrorAlert } from '../components/ErrorAlert';
import { StateBadge } from '../components/StateBadge';

/** One document: its metadata, every version (downloadable), and where each backup stands with it. */
export function DocumentPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const { id = '' } = useParams();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [editing, setEditing] = useState(false);
  const canEdit = useRight('manage_documents');
  const doc = useLoad(() => unwrap(api.GET('/v1/documents/{id}', { params: { path: { id } } })), [id]);
  const destinations = useLoad(async () => {
    if (!doc.data) return new Map<string, string>();
    const list = await unwrap(api.GET('/v1/destinations', { params: { query: { companyId: doc.data.companyId } } }));
    return new Map(list.items.map((d) => [d.id, d.name]));
  }, [doc.data?.companyId]);
  useBackupEvents((e) => { if (e.type === 'run.finished') void doc.reload(); });

  const newVersion = async (file: File | null) => {
    if (!file) return;
    setBusy(true); setError(null);
    const form = new FormData();
    form.append('file', file, file.name);
    try {
      await uploadForm<Schemas['DocumentWithVersions']>(`/v1/documents/${encodeURIComponent(id)}/versions`, form);
      notifications.show({ message: t('documents.uploaded', { name: file.name }), color: 'green' });
      await doc.reload();
    } catch (e) { setError(e); } finally { setBusy(false); }
  };

  const d = doc.data;
  if (!d) return <ErrorAlert error={doc.error} />;
  const facts: Array<[string, string]> = [
    [t('documents.type'), t(`documents.types.${d.type}`)], [t('documents.date'), format.date(d.date)], [t('documents.number'), d.number ?? '—'],
    [t('documents.counterparty'), d.counterparty ?? '—'], [t('documents.amount'), format.amount(d.amount, d.currency)], [t('documents.account'), d.businessAccount ?? '—'],
  ];
  return (
    <Stack maw={960}>
      <Title order={1}>{[t(`documents.types.${d.type}`), d.number].filter(Boolean).join(' ')}</Title>
      <ErrorAlert error={error} />
      {editing
        ? <DocumentEditForm doc={d} onCancel={() => setEditing(false)}
            onSaved={() => { setEditing(false); notifications.show({ message: t('documentEdit.saved'), color: 'green' }); void doc.reload(); }} />
        : (
          <Stack gap="xs" align="flex-start">
            <Table variant="vertical" withTableBorder maw={560}>
              <Table.Tbody>{facts.map(([k, v]) => <Table.Tr key={k}><Table.Th w={200}>{k}</Table.Th><Table.Td>{v}</Table.Td></Table.Tr>)}</Table.Tbody>
            </Table>
            {canEdit && <Button variant="light" onClick={() => setEditing(true)}>{t('documentEdit.edit')}</Button>}
          </Stack>
        )}

      <Title order={2} size="h3">{t('documentEdit.original')}</Title>
      <OriginalViewer url={`/v1/documents/${d.id}/content?version=${d.currentVersionId}`} filename={d.versions.find((v) => v.id === d.currentVersionId)?.filename ?? d.id} />

      <Group justify="space-between">
        <Title order={2} size="h3">{t('documents.versions')}</Title>
        <FileButton onChange={(f) => void newVersion(f)}>{(props) => <Button {...props} variant="light" loading={busy}>{t('documents.newVersion')}</Button>}</FileButton>
      </Group>
      <Table.ScrollContainer minWidth={520}>
        <Table>
          <Table.Thead><Table.Tr><Table.Th>{t('documents.version')}</Table.Th><Table.Th>{t('documents.file')}</Table.Th><Table.Th>{t('documents.size')}</Table.Th><Table.Th>{t('documents.uploadedAt')}</Table.Th></Table.Tr></Table.Thead>
          <Table.Tbody>
            {d.versions.map((v) => (
              <Table.Tr key={v.id}>
                <Table.Td>{v.version}</Table.Td>
                <Table.Td className="path"><Anchor href={`/v1/documents/${d.id}/content?version=${v.id}`} download={v.filename}>{v.filename}</Anchor></Table.Td>
                <Table.Td>{format.bytes(v.size)}</Table.Td>
                <Table.Td>{format.dateTime(v.createdAt)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>

      <Title order={2} size="h3">{t('documents.atDestinations')}</Title>
      {d.destinations.length === 0
        ? <Text c="dimmed">{t('documents.notAtDestinations')}</Text>
        : (
          <Table.ScrollContainer minWidth={520}>
            <Table data-testid="deliveries">
              <Table.Thead><Table.Tr><Table.Th>{t('documents.destination')}</Table.Th><Table.Th>{t('destination.status')}</Table.Th><Table.Th>{t('documents.remotePath')}</Table.Th><Table.Th>{t('documents.syncedAt')}</Table.Th></Table.Tr></Table.Thead>
              <Table.Tbody>
                {d.destinations.map((x) => (
                  <Table.Tr key={x.destinationId}>
                    <Table.Td><Anchor component={Link} to={`/destinations/${x.destinationId}`}>{destinations.data?.get(x.destinationId) ?? x.destinationId}</Anchor></Table.Td>
                    <Table.Td>
                      <StateBadge state={x.state} kind="delivery" />
                      {x.versionId && x.versionId !== d.currentVersionId && <Text size="xs" c="dimmed">{t('documents.version')} {d.versions.find((v) => v.id === x.versionId)?.version}</Text>}
                      {x.error && <Text size="xs" c="red">{x.error}</Text>}
                    </Table.Td>
                    <Table.Td className="path">{x.remotePath ?? '—'}</Table.Td>
                    <Table.Td>{format.dateTime(x.syncedAt)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
    </Stack>
  );
}
