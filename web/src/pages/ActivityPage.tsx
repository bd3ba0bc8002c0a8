import { useState, type FormEvent } from 'react';
import { Alert, Button, Code, Group, NativeSelect, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api, ApiError, unwrap, type Schemas } from '../api/client';
import { useLoad } from '../api/use-load';
import { useFormat } from '../i18n/format';
import { ErrorAlert } from '../components/ErrorAlert';
import { ExportPanel } from '../components/ExportPanel';

type Entry = Schemas['AuditEntry'];
type EntryType = Entry['type'];
const TYPES: readonly EntryType[] = [
  'document.version_received', 'document.collected', 'document.deleted', 'transfer.verified', 'transfer.restored', 'settings.changed',
  'user.signed_in', 'user.rights_changed', 'api_key.created', 'api_key.revoked', 'retention.purged', 'object_lock.applied', 'audit.head',
];

interface Filters { type: EntryType | ''; actor: string; object: string; from: string; to: string }
const NONE: Filters = { type: '', actor: '', object: '', from: '', to: '' };

/** The organization's audit log, newest first, with filters, and the check of its hash chain. */
export function ActivityPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const [draft, setDraft] = useState<Filters>(NONE);
  const [filters, setFilters] = useState<Filters>(NONE);
  const [more, setMore] = useState<Entry[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [chain, setChain] = useState<Schemas['AuditChainReport'] | null>(null);
  const query = (before?: number) => ({
    ...(filters.type && { type: filters.type }), ...(filters.actor && { actor: filters.actor }), ...(filters.object && { object: filters.object }),
    ...(filters.from && { from: filters.from }), ...(filters.to && { to: filters.to }), ...(before !== undefined && { before }),
  });
  const page = useLoad(async () => {
    const got = await unwrap(api.GET('/v1/audit', { params: { query: query() } }));
    setMore([]); setNext(got.next);
    return got;
  }, [filters]);

  const loadMore = async () => {
    if (next === null) return;
    try {
      const got = await unwrap(api.GET('/v1/audit', { params: { query: query(next) } }));
      setMore((m) => [...m, ...got.items]); setNext(got.next);
    } catch (err) { setError(err); }
  };
  const check = async () => {
    try { setChain(await unwrap(api.GET('/v1/audit/verify'))); } catch (err) { setError(err); }
  };
  const actorText = (a: Entry['actor']) => (a.kind === 'system' && a.id === 'cli' ? t('activity.actors.cli') : t(`activity.actors.${a.kind}`, { id: a.id ?? '' }));

  if (page.error instanceof ApiError && page.error.status === 403) {
    return <Stack><Title order={1}>{t('activity.title')}</Title><Alert color="red" role="alert">{t('activity.forbidden')}</Alert></Stack>;
  }
  const items = [...(page.data?.items ?? []), ...more];
  const field = (k: keyof Filters) => ({ value: draft[k], onChange: (e: { currentTarget: { value: string } }) => setDraft({ ...draft, [k]: e.currentTarget.value }) });
  return (
    <Stack maw={1100}>
      <Title order={1}>{t('activity.title')}</Title>
      <Text c="dimmed">{t('activity.intro')}</Text>
      <ExportPanel />
      <ErrorAlert error={page.error ?? error} />
      <Group align="end" component="form" onSubmit={(e: FormEvent) => { e.preventDefault(); setFilters(draft); }}>
        <NativeSelect label={t('activity.type')} {...field('type')}
          data={[{ value: '', label: t('activity.all') }, ...TYPES.map((v) => ({ value: v, label: t(`activity.types.${v}`) }))]} />
        <TextInput label={t('activity.actor')} {...field('actor')} />
        <TextInput label={t('activity.object')} {...field('object')} />
        <TextInput type="date" label={t('activity.from')} {...field('from')} />
        <TextInput type="date" label={t('activity.to')} {...field('to')} />
        <Button type="submit">{t('activity.filter')}</Button>
        <Button variant="light" onClick={() => void check()}>{t('activity.check')}</Button>
      </Group>
      {chain && (chain.ok
        ? <Alert color="green" role="status">{t('activity.chainOk', { count: chain.entries })}</Alert>
        : <Alert color="red" role="alert">{t('activity.chainBroken', { seq: chain.firstFailure!.seq, message: chain.firstFailure!.message })}</Alert>)}
      {page.data && items.length === 0 && <Text>{t('activity.empty')}</Text>}
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={720}>
          <Table data-testid="activity">
            <Table.Thead><Table.Tr><Table.Th>#</Table.Th><Table.Th>{t('activity.when')}</Table.Th><Table.Th>{t('activity.type')}</Table.Th><Table.Th>{t('activity.actor')}</Table.Th><Table.Th>{t('activity.details')}</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {items.map((e) => (
                <Table.Tr key={e.seq}>
                  <Table.Td>{e.seq}</Table.Td>
                  <Table.Td>{format.dateTime(e.at)}</Table.Td>
                  <Table.Td>{t(`activity.types.${e.type}`)}</Table.Td>
                  <Table.Td className="path">{actorText(e.actor)}</Table.Td>
                  <Table.Td><Text size="sm" className="path">{e.objectId}</Text><Code block>{JSON.stringify(e.details)}</Code></Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {next !== null && <Button variant="subtle" onClick={() => void loadMore()}>{t('common.loadMore')}</Button>}
    </Stack>
  );
}
