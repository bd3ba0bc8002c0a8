import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';

const colors: Record<string, string> = {
  active: 'green', ready: 'green', synced: 'green', done: 'green',
  paused: 'gray', stopped: 'gray', cancelled: 'gray', removed: 'gray', disconnected: 'gray', notSetUp: 'gray', unavailable: 'gray',
  needs_attention: 'orange', needs_reconnect: 'orange', pending: 'blue', running: 'blue', done_with_errors: 'orange',
  failed: 'red', blocked: 'red', interrupted: 'orange',
};

/** A state in words and colour; the words carry the meaning, the colour only helps. */
export function StateBadge({ state, kind = 'state' }: { state: string; kind?: 'state' | 'run' | 'delivery' }) {
  const { t } = useTranslation();
  const key = kind === 'run' ? `destination.runStatus.${state}` : kind === 'delivery' ? `documents.deliveryState.${state}` : `state.${state}`;
  return <Badge color={colors[state] ?? 'gray'} variant="light">{t(key, { defaultValue: state })}</Badge>;
}
