import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';

const colors: Record<string, string> = {
  active: 'green', ready: 'green', synced: 'green', done: 'green',
  paused: 'gray', stopped: 'gray', cancelled: 'gray', removed: 'gray', disconnected: 'gray', notSetUp: 'gray', unavailable: 'gray',
  needs_attention: 'orange', needs_reconnect: 'orange', pending: 'blue', running: 'blue', done_with_errors: 'orange',
  failed: 'red', blocked: 'red', interrupted: 'orange', waiting_for_client: 'blue', queued: 'blue',
};

/** A state in words and colour; the words carry the meaning, the colour only helps. */
const PREFIX = { state: 'state', run: 'destination.runStatus', delivery: 'documents.deliveryState', channel: 'collect.states', collectRun: 'collect.runStatus' } as const;

export function StateBadge({ state, kind = 'state' }: { state: string; kind?: keyof typeof PREFIX }) {
  const { t } = useTranslation();
  const key = `${PREFIX[kind]}.${state}`;
  return <Badge color={colors[state] ?? 'gray'} variant="light">{t(key, { defaultValue: state })}</Badge>;
}
