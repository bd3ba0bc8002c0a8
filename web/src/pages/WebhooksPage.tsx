import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Alert, Badge, Button, Checkbox, Code, Group, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '../api/client';
import type { paths } from '../api/schema';
import { ErrorAlert } from '../components/ErrorAlert';

type Endpoint = Schemas['WebhookEndpoint'];
type Delivery = Schemas['WebhookDelivery'];
type EventType = paths['/v1/webhooks/event-types']['get']['responses'][200]['content']['application/json']['items'][number];

/** Webhook endpoints (administrators): add one, see its secret once, test it, read and replay its deliveries. */
export function WebhooksPage() {
  const { t } = useTranslation();
  const [endpoints, setEndpoints] = useState<Endpoint[]>([]);
  const [types, setTypes] = useState<EventType[]>([]);
  const [url, setUrl] = useState('');
  const [chosen, setChosen] = useState<EventType[]>([]);
  const [secret, setSecret] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [deliveries, setDeliveries] = useState<Delivery[]>([]);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(async () => {
    try {
      setEndpoints((await unwrap(api.GET('/v1/webhooks'))).items);
      setTypes((await unwrap(api.GET('/v1/webhooks/event-types'))).items);
    } catch (err) { setError(err); }
  }, []);
  useEffect(() => { void load(); }, [load]);

  const showDeliveries = async (id: string) => {
    setOpen(id);
    try { setDeliveries((await unwrap(api.GET('/v1/webhooks/{id}/deliveries', { params: { path: { id }, query: { limit: 50 } } }))).items); } catch (err) { setError(err); }
  };
  const act = async (work: () => Promise<unknown>) => {
    setError(null);
    try { await work(); await load(); if (open) await showDeliveries(open); } catch (err) { setError(err); }
  };
  const add = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      const made = await unwrap(api.POST('/v1/webhooks', { body: { url, eventTypes: chosen } }));
      setSecret(made.secret); setUrl(''); setChosen([]);
    });
  };

  return (
    <Stack>
      <Title order={1}>{t('webhooks.title')}</Title>
      <Text c="dimmed">{t('webhooks.intro')}</Text>
      <ErrorAlert error={error} />
      {secret && <Alert color="yellow" role="status" title={t('webhooks.secretOnce')}><Code>{secret}</Code></Alert>}
      <Paper withBorder p="md" component="form" onSubmit={add}>
        <Stack>
          <Title order={2} size="h3">{t('webhooks.add')}</Title>
          <TextInput label={t('webhooks.url')} placeholder="https://app.example.com/hooks/dossier" required value={url} onChange={(e) => setUrl(e.currentTarget.value)} />
          <Checkbox.Group label={t('webhooks.events')} value={chosen} onChange={(v) => setChosen(v as EventType[])}>
            <Group mt="xs">{types.map((ty) => <Checkbox key={ty} value={ty} label={ty} />)}</Group>
          </Checkbox.Group>
          <Button type="submit" disabled={!url || chosen.length === 0}>{t('webhooks.add')}</Button>
        </Stack>
      </Paper>
      {endpoints.map((ep) => (
        <Paper key={ep.id} withBorder p="md">
          <Stack gap="xs">
            <Group justify="space-between">
              <Text fw={600}>{ep.url}</Text>
              <Badge color={ep.state === 'enabled' ? 'green' : 'red'}>{t(`webhooks.state.${ep.state}`)}</Badge>
            </Group>
            {ep.stateReason && <Text size="sm" c="dimmed">{ep.stateReason}</Text>}
            <Text size="sm">{ep.eventTypes.join(', ')}</Text>
            <Group>
              <Button size="xs" variant="default" onClick={() => void act(() => unwrap(api.POST('/v1/webhooks/{id}/test', { params: { path: { id: ep.id } } })))}>{t('webhooks.test')}</Button>
              <Button size="xs" variant="default" onClick={() => void act(async () => setSecret((await unwrap(api.POST('/v1/webhooks/{id}/rotate-secret', { params: { path: { id: ep.id } } }))).secret))}>{t('webhooks.rotate')}</Button>
              {ep.state === 'disabled' && <Button size="xs" onClick={() => void act(() => unwrap(api.PATCH('/v1/webhooks/{id}', { params: { path: { id: ep.id } }, body: { enabled: true } })))}>{t('webhooks.enable')}</Button>}
              <Button size="xs" variant="subtle" onClick={() => void showDeliveries(ep.id)}>{t('webhooks.deliveries')}</Button>
            </Group>
            {open === ep.id && (
              <Table>
                <Table.Thead><Table.Tr><Table.Th>{t('webhooks.event')}</Table.Th><Table.Th>{t('webhooks.status')}</Table.Th><Table.Th>{t('webhooks.lastTry')}</Table.Th><Table.Th /></Table.Tr></Table.Thead>
                <Table.Tbody>
                  {deliveries.map((d) => {
                    const last = d.tries.at(-1);
                    return (
                      <Table.Tr key={d.seq}>
                        <Table.Td>{d.eventType}</Table.Td>
                        <Table.Td>{t(`webhooks.delivery.${d.state}`)} ({d.attempts})</Table.Td>
                        <Table.Td>{last ? `${last.statusCode ?? '—'} · ${last.durationMs} ms${last.error ? ` · ${last.error}` : ''}` : '—'}</Table.Td>
                        <Table.Td>{d.state !== 'pending' && <Button size="xs" variant="subtle" onClick={() => void act(() => unwrap(api.POST('/v1/webhooks/{id}/deliveries/{seq}/replay', { params: { path: { id: ep.id, seq: d.seq } } })))}>{t('webhooks.replay')}</Button>}</Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            )}
          </Stack>
        </Paper>
      ))}
    </Stack>
  );
}
