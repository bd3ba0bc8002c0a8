import { useEffect, useState, type FormEvent } from 'react';
import { Alert, Anchor, Button, Group, NativeSelect, Paper, Progress, Stack, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '../api/client';
import { useLoad } from '../api/use-load';
import { useExportEvents } from '../api/events';
import { useFormat } from '../i18n/format';
import { ErrorAlert } from './ErrorAlert';

type Export = Schemas['Export'];
const POLL_MS = 2_000;

/**
 * Makes an export for the accountant or the auditor (POST /v1/exports) and follows it: the live
 * events move the bar, and the export is read again when it ends (or every few seconds, for a
 * worker in another process whose events this server does not see), then offers the download.
 */
export function ExportPanel() {
  const { t } = useTranslation();
  const format = useFormat();
  const companies = useLoad(() => unwrap(api.GET('/v1/companies')), []).data?.items ?? [];
  const company = companies[0] ?? null;
  const year = new Date().getFullYear() - 1;
  const [companyId, setCompanyId] = useState('');
  const [from, setFrom] = useState(`${year}-01-01`);
  const [to, setTo] = useState(`${year}-12-31`);
  const [job, setJob] = useState<Export | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const reload = async (id: string) => {
    try { setJob(await unwrap(api.GET('/v1/exports/{id}', { params: { path: { id } } }))); } catch (err) { setError(err); }
  };
  const following = job && (job.state === 'queued' || job.state === 'running') ? job.id : null;
  useExportEvents((e) => {
    if (e.type === 'export.progress') setJob((j) => (j && j.id === e.exportId ? { ...j, state: 'running', done: e.done, total: e.total } : j));
    else void reload(e.exportId);
  }, following);
  // Polling as well: the job may run in a worker process whose events this server does not relay.
  useEffect(() => {
    if (!following) return undefined;
    const timer = setInterval(() => void reload(following), POLL_MS);
    return () => clearInterval(timer);
  }, [following]);

  const start = async (e: FormEvent) => {
    e.preventDefault();
    setError(null); setBusy(true);
    try {
      setJob(await unwrap(api.POST('/v1/exports', { body: { companyId: companyId || company?.id || '', from, to } })));
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  const percent = job && job.total > 0 ? Math.round((100 * job.done) / job.total) : 0;
  return (
    <Paper withBorder p="md" data-testid="export-panel">
      <Stack>
        <Title order={2}>{t('exports.title')}</Title>
        <Text c="dimmed">{t('exports.intro')}</Text>
        <ErrorAlert error={error} />
        <Group align="end" component="form" onSubmit={(e: FormEvent) => void start(e)}>
          <NativeSelect label={t('exports.company')} value={companyId || company?.id || ''} onChange={(e) => setCompanyId(e.currentTarget.value)}
            data={companies.map((c) => ({ value: c.id, label: c.name }))} />
          <TextInput type="date" required label={t('exports.from')} value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
          <TextInput type="date" required label={t('exports.to')} value={to} onChange={(e) => setTo(e.currentTarget.value)} />
          <Button type="submit" loading={busy || following !== null}>{t('exports.start')}</Button>
        </Group>
        {job?.state === 'queued' && <Text role="status">{t('exports.queued')}</Text>}
        {job?.state === 'running' && (
          <Stack gap="xs">
            <Progress value={percent} animated aria-label={t('exports.progress')} />
            <Text role="status">{t('exports.running', { done: job.done, total: job.total })}</Text>
          </Stack>
        )}
        {job?.state === 'done' && (
          <Alert color="green" role="status">
            <Stack gap="xs">
              <Text>{t('exports.done', { files: job.summary?.files ?? job.done, documents: job.summary?.documents ?? 0, size: format.bytes(job.size) })}</Text>
              <Anchor href={`/v1/exports/${job.id}/download`} download>{t('exports.download')}</Anchor>
              <Text size="sm">{t('exports.expires', { when: format.dateTime(job.expiresAt) })}</Text>
            </Stack>
          </Alert>
        )}
        {job?.state === 'failed' && <Alert color="red" role="alert">{t('exports.failed', { error: job.error ?? '' })}</Alert>}
      </Stack>
    </Paper>
  );
}
