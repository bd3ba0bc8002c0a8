import { useEffect, useState } from 'react';
import { Alert, Anchor, Button, Checkbox, List, Modal, Stack, Table, Text, Title, UnstyledButton } from '@mantine/core';
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
import { BulkActions } from '../components/BulkActions';

type Sort = 'date' | 'amount' | 'number' | 'counterparty';
type Order = 'asc' | 'desc';

/** A column heading that sorts the list by it; a second click turns the order round. */
function SortHeader({ column, sort, order, onSort, right }: { column: Sort; sort: Sort | null; order: Order; onSort(s: Sort): void; right?: boolean }) {
  const { t } = useTranslation();
  const active = sort === column;
  return (
    <Table.Th ta={right ? 'right' : undefined} aria-sort={active ? (order === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <UnstyledButton onClick={() => onSort(column)} fw={700} fz="sm" title={t('documentList.sortBy', { column: t(`documents.${column}`) })}>
        {t(`documents.${column}`)}<span aria-hidden> {active ? (order === 'asc' ? '▲' : '▼') : '↕'}</span>
      </UnstyledButton>
    </Table.Th>
  );
}

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
  const [sort, setSort] = useState<{ by: Sort | null; order: Order }>({ by: null, order: 'asc' });
  const onSort = (by: Sort) => setSort((s) => ({ by, order: s.by === by && s.order === 'asc' ? 'desc' : 'asc' }));
  const filter = { ...queryOf(debounced), ...(sort.by && { sort: sort.by, order: sort.order }) };
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const toggle = (id: string) => setSelected((s) => { const n = new Set(s); if (n.has(id)) n.delete(id); else n.add(id); return n; });
  const list = useLoad(async () => {
    setMore(null);
    return company ? unwrap(api.GET('/v1/documents', { params: { query: { companyId: company.id, limit: 100, ...filter } } })) : { items: [], next: null };
  }, [company?.id, JSON.stringify(filter)]);
  // The selection is of what is shown: another company or filter starts a new one.
  useEffect(() => setSelected(new Set()), [company?.id, JSON.stringify(filter)]);
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
      {company && <BulkActions companyId={company.id} selected={[...selected]} onClear={() => setSelected(new Set())}
        onDone={() => { setSelected(new Set()); void list.reload(); }} />}
      <ErrorAlert error={list.error} />
      {list.data && items.length === 0 && <Text c="dimmed">{t('documents.empty')}</Text>}
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={36}>
                  <Checkbox aria-label={t('documentList.selectAll')} checked={items.length > 0 && items.every((d) => selected.has(d.id))}
                    indeterminate={selected.size > 0 && !items.every((d) => selected.has(d.id))}
                    onChange={(e) => setSelected(e.currentTarget.checked ? new Set(items.map((d) => d.id)) : new Set())} />
                </Table.Th>
                <SortHeader column="date" sort={sort.by} order={sort.order} onSort={onSort} /><Table.Th>{t('documents.type')}</Table.Th>
                <SortHeader column="number" sort={sort.by} order={sort.order} onSort={onSort} />
                <SortHeader column="counterparty" sort={sort.by} order={sort.order} onSort={onSort} />
                <SortHeader column="amount" sort={sort.by} order={sort.order} onSort={onSort} right /><Table.Th ta="right">{t('documents.versions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((d) => (
                <Table.Tr key={d.id} data-selected={selected.has(d.id) || undefined}>
                  <Table.Td><Checkbox aria-label={t('documentList.select', { name: d.number ?? t('documents.noNumber') })} checked={selected.has(d.id)} onChange={() => toggle(d.id)} /></Table.Td>
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
