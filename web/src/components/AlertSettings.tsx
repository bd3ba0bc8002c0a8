import { useEffect, useState } from 'react';
import { Alert, Button, Checkbox, Paper, Select, Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/client';
import type { components } from '../api/schema';
import { ErrorAlert } from './ErrorAlert';

type Settings = components['schemas']['AlertSettings'];
const KINDS = ['needs_attention', 'connection_expired', 'client_connected', 'daily_digest'] as const;
const LANGUAGES = [['nl', 'Nederlands'], ['fr', 'Français'], ['de', 'Deutsch'], ['en', 'English']] as const;

/** The signed-in user's alert mails: which, and in which language (PUT /v1/users/me/alerts). */
export function AlertSettings() {
  const { t } = useTranslation();
  const [settings, setSettings] = useState<Settings | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    unwrap(api.GET('/v1/users/me/alerts')).then(setSettings, setError);
  }, []);

  const save = async () => {
    if (!settings) return;
    setBusy(true); setError(null); setSaved(false);
    try {
      setSettings(await unwrap(api.PUT('/v1/users/me/alerts', { body: { language: settings.language, kinds: settings.kinds } })));
      setSaved(true);
    } catch (err) { setError(err); } finally { setBusy(false); }
  };

  return (
    <Paper withBorder p="md">
      <Stack>
        <Title order={2} size="h3">{t('alerts.title')}</Title>
        {saved && <Alert color="green" role="status">{t('alerts.saved')}</Alert>}
        <ErrorAlert error={error} />
        {settings && (
          <>
            <Select label={t('alerts.language')} data={LANGUAGES.map(([value, label]) => ({ value, label }))} value={settings.language} allowDeselect={false}
              onChange={(v) => v && setSettings({ ...settings, language: v as Settings['language'] })} />
            {KINDS.map((k) => (
              <Checkbox key={k} label={t(`alerts.${k}`)} checked={settings.kinds.includes(k)}
                onChange={(e) => setSettings({ ...settings, kinds: e.currentTarget.checked ? [...settings.kinds, k] : settings.kinds.filter((x) => x !== k) })} />
            ))}
            <Button onClick={() => void save()} loading={busy}>{t('common.save')}</Button>
          </>
        )}
      </Stack>
    </Paper>
  );
}
