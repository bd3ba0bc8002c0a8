import { useState } from 'react';
import { Button, Group, List, Modal, NativeSelect, Paper, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '../api/client';
import { useLoad } from '../api/use-load';
import { useRight } from '../api/rights';
import { ErrorAlert } from './ErrorAlert';

type Action = 'resend' | 'move' | 'done';
type Result = Schemas['BulkResult'];

/** How it went: how many were done, how many not, and why, grouped by reason. */
function ResultMessage({ result }: { result: Result }) {
  const { t } = useTranslation();
  const reasons = new Map<string, number>();
  for (const f of result.failed) reasons.set(f.reason, (reasons.get(f.reason) ?? 0) + 1);
  return (
    <Stack gap={2} data-testid="bulk-result">
      <Text size="sm">{t('bulk.succeeded', { count: result.succeeded.length })}</Text>
      {result.failed.length > 0 && <Text size="sm">{t('bulk.failed', { count: result.failed.length })}</Text>}
      {reasons.size > 0 && (
        <List size="sm">{[...reasons].map(([reason, count]) => <List.Item key={reason}>{t('bulk.reasonCount', { reason: t(`bulk.reasons.${reason}`), count })}</List.Item>)}</List>
      )}
    </Stack>
  );
}

/**
 * What can be done to the selected documents at once: send them again to a backup, move them
 * to a binder, or mark them done in the inbox (each only with its right). Each asks first,
 * naming how many and where; the answer says how many succeeded and why the others did not.
 */
export function BulkActions({ companyId, selected, onDone, onClear }: { companyId: string; selected: string[]; onDone(): void; onClear(): void }) {
  const { t } = useTranslation();
  const mayResend = useRight('manage_destinations');
  const mayReview = useRight('review_inbox');
  const [action, setAction] = useState<Action | null>(null);
  const [target, setTarget] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const destinations = useLoad(async () => (action === 'resend' ? (await unwrap(api.GET('/v1/destinations', { params: { query: { companyId } } }))).items : []), [action, companyId]);
  const binders = useLoad(async () => (action === 'move' ? (await unwrap(api.GET('/v1/binders', { params: { query: { companyId } } }))).items : []), [action, companyId]);
  const choices = action === 'resend' ? (destinations.data ?? []).map((d) => ({ value: d.id, label: d.name }))
    : action === 'move' ? (binders.data ?? []).map((b) => ({ value: b.id, label: b.name })) : [];
  const chosen = target || choices[0]?.value || '';
  const count = selected.length;

  const open = (a: Action) => { setAction(a); setTarget(''); setError(null); };
  const run = async () => {
    if (!action) return;
    setBusy(true); setError(null);
    try {
      const documentIds = selected;
      const result = action === 'resend'
        ? await unwrap(api.POST('/v1/documents/bulk/resend', { body: { documentIds, destinationId: chosen } }))
        : action === 'move'
          ? await unwrap(api.POST('/v1/documents/bulk/binder', { body: { documentIds, binderId: chosen } }))
          : await unwrap(api.POST('/v1/documents/bulk/done', { body: { documentIds } }));
      notifications.show({ title: t(`bulk.${action}`), message: <ResultMessage result={result} />, color: result.failed.length ? 'orange' : 'green', autoClose: 10_000 });
      setAction(null);
      onDone();
    } catch (e) { setError(e); } finally { setBusy(false); }
  };

  if (count === 0) return null;
  const needsTarget = action === 'resend' || action === 'move';
  return (
    <Paper withBorder p="xs" data-testid="bulk-actions">
      <Group gap="xs" wrap="wrap">
        <Text size="sm" fw={500}>{t('documentList.selected', { count })}</Text>
        {mayResend && <Button size="compact-sm" variant="light" onClick={() => open('resend')}>{t('bulk.resend')}</Button>}
        {mayReview && <Button size="compact-sm" variant="light" onClick={() => open('move')}>{t('bulk.move')}</Button>}
        {mayReview && <Button size="compact-sm" variant="light" onClick={() => open('done')}>{t('bulk.done')}</Button>}
        <Button size="compact-sm" variant="subtle" onClick={onClear}>{t('documentList.clear')}</Button>
      </Group>
      <Modal opened={action !== null} onClose={() => setAction(null)} title={action ? t(`bulk.${action}`) : ''}>
        {action && (
          <Stack>
            <Text size="sm">{t(`bulk.${action === 'resend' ? 'resendText' : action === 'move' ? 'moveText' : 'doneText'}`, { count })}</Text>
            {needsTarget && choices.length > 0 && (
              <NativeSelect label={t(action === 'resend' ? 'bulk.backup' : 'bulk.binder')} data={choices} value={chosen} onChange={(e) => setTarget(e.currentTarget.value)} />
            )}
            {needsTarget && (action === 'resend' ? destinations : binders).data?.length === 0 && (
              <Text size="sm" c="dimmed">{t(action === 'resend' ? 'bulk.noBackups' : 'bulk.noBinders')}</Text>
            )}
            <ErrorAlert error={error ?? destinations.error ?? binders.error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setAction(null)}>{t('common.cancel')}</Button>
              <Button onClick={() => void run()} loading={busy} disabled={needsTarget && !chosen}>{t('common.confirm')}</Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Paper>
  );
}
