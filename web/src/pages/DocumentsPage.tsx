import { useState } from 'react';
import { Alert, Anchor, Button, List, Modal, Stack, Table, Text, Title } from '@mantine/core';
import { Dropzone } from '@mantine/dropzone';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, unwrap, type Schemas } from '../api/client';
import { useCompany } from '../api/company';
import { useLoad } from '../api/use-load';
import { useRight } from '../api/rights';
import { useFormat } from '../i18n/format';
import { ErrorAlert } from '../components/ErrorAlert';
import { UploadForm } from '../components/UploadForm';
import { checkFiles, type RefusedFile } from '../components/file-check';
import { DocumentFilters, NO_FILTER, queryOf } from '../components/DocumentFilters';
import { useDebouncedValue } from '@mantine/hooks';

export function DocumentsPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const { company } = useCompany();
  // Uploading needs manage_documents: without it there is nothing to drop files on.
  const canUpload = useRight('manage_documents');
  const [queue, setQueue] = useState<File[]>([]);
  const [refused, setRefused] = useState<RefusedFile[]>([]);
  const drop = async (files: File[]) => {
    const { kept, refused: out } = await checkFiles(files);
    setRefused(out);
    setQueue((q) => [...q, ...kept]);
  };
  const [more, setMore] = useState<{ items: Schemas['Document'][]; next: string | null } | null>(null);
  const [filters, setFilters] = useState(NO_FILTER);
  const [debounced] = useDebouncedValue(filters, 300);
  const filter = queryOf(debounced);
  const list = useLoad(async () => {
    setMore(null);
    return company ? unwrap(api.GET('/v1/documents', { params: { query: { companyId: company.id, limit: 100, ...filter } } })) : { items: [], next: null };
  }, [company?.id, JSON.stringify(filter)]);
  const items = [...(list.data?.items ?? []), ...(more?.items ?? [])];
  const next = more ? more.next : list.data?.next ?? null;
  const loadMore = async () => {
    if (!next || !company) return;
    const page = await unwrap(api.GET('/v1/documents', { params: { query: { companyId: company.id, limit: 100, ...filter, after: next } } }));
    setMore({ items: [...(more?.items ?? []), ...page.items], next: page.next });
  };
  const current = queue[0];

  return (
    <Stack>
      <Title order={1}>{t('documents.title')}</Title>
      {canUpload && <Dropzone onDrop={(files) => void drop(files)} aria-label={t('documents.drop')} data-testid="dropzone">
        <Stack align="center" gap={4} p="md" style={{ pointerEvents: 'none' }}>
          <Text fw={500} className="fine-pointer-only">{t('documents.drop')}</Text>
          <Text fw={500} className="coarse-pointer-only">{t('documents.tap')}</Text>
          <Text size="sm" c="dimmed">{t('documents.dropHint')}</Text>
        </Stack>
      </Dropzone>}
      {refused.length > 0 && (
        <Alert color="red" role="alert" title={t('documents.refused', { count: refused.length })} withCloseButton onClose={() => setRefused([])} data-testid="refused-files">
          <List size="sm">{refused.map((f) => <List.Item key={f.name}>{t(`apiErrors.${f.reason}`, { file: f.name })}</List.Item>)}</List>
        </Alert>
      )}
      <DocumentFilters value={filters} onChange={setFilters} />
      <ErrorAlert error={list.error} />
      {list.data && items.length === 0 && <Text c="dimmed">{t('documents.empty')}</Text>}
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('documents.date')}</Table.Th><Table.Th>{t('documents.type')}</Table.Th><Table.Th>{t('documents.number')}</Table.Th>
                <Table.Th>{t('documents.counterparty')}</Table.Th><Table.Th ta="right">{t('documents.amount')}</Table.Th><Table.Th ta="right">{t('documents.versions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((d) => (
                <Table.Tr key={d.id}>
                  <Table.Td>{format.date(d.date)}</Table.Td>
                  <Table.Td>{t(`documents.types.${d.type}`)}</Table.Td>
                  <Table.Td><Anchor component={Link} to={`/documents/${d.id}`}>{d.number ?? t('documents.noNumber')}</Anchor></Table.Td>
                  <Table.Td>{d.counterparty ?? '—'}</Table.Td>
                  <Table.Td ta="right">{format.amount(d.amount, d.currency)}</Table.Td>
                  <Table.Td ta="right">{format.number(d.versionCount)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {next && <Button variant="subtle" onClick={() => void loadMore()}>{t('common.loadMore')}</Button>}
      <Modal opened={!!current && !!company} onClose={() => setQueue((q) => q.slice(1))} title={t('documents.upload')} size="lg">
        {current && company && (
          <UploadForm key={`${current.name}-${queue.length}`} file={current} companyId={company.id}
            onCancel={() => setQueue((q) => q.slice(1))}
            onDone={(doc) => {
              notifications.show({ message: t('documents.uploaded', { name: doc.versions[0]?.filename ?? doc.id }), color: 'green' });
              setQueue((q) => q.slice(1));
              void list.reload();
            }} />
        )}
      </Modal>
    </Stack>
  );
}
