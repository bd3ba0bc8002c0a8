import { useState } from 'react';
import { Button, Paper, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { FolderBrowser, type FolderSource } from '../../components/FolderPicker';
import type { Draft } from './draft';
import { serverSettings } from './ServerForm';

const join = (a: string, b: string) => (a && b ? `${a.replace(/\/+$/, '')}/${b}` : a || b);

/**
 * The folders of an SFTP or WebDAV server, browsed with the details just tested (the server
 * lists them; the same address rules and the confirmed host key apply), from the root typed in
 * when the browser opened. Choosing one makes it the root; a new folder can be made there.
 */
export function ServerFolders({ draft, update }: { draft: Draft; update(p: Partial<Draft>): void }) {
  const { t } = useTranslation();
  // Where browsing started: the folders below it are what is shown, whatever is chosen after.
  const [base, setBase] = useState<string | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const kind = draft.kind as 'sftp' | 'webdav';
  const ready = draft.tested && (kind !== 'sftp' || draft.hostKeyConfirmed);
  if (!ready) return <Text size="sm" c="dimmed">{t('serverFolders.hint')}</Text>;
  if (base === null) {
    return <Button variant="default" w="fit-content" onClick={() => { setBase(String(draft.settings.root ?? '')); setChosen(null); }}>{t('serverFolders.browse')}</Button>;
  }
  const settings = { ...serverSettings(draft), root: base };
  const source: FolderSource = {
    list: (path) => unwrap(api.POST('/v1/destinations/folders', { body: { kind, settings, path } })),
    create: (path) => {
      const cut = path.lastIndexOf('/');
      return unwrap(api.POST('/v1/destinations/folders/new', { body: { kind, settings, parent: cut < 0 ? '' : path.slice(0, cut), name: path.slice(cut + 1) } }));
    },
  };
  const top = base || (kind === 'sftp' ? t('serverFolders.login') : t('serverFolders.address'));
  return (
    <Paper withBorder p="sm" data-testid="server-folders">
      <Stack gap="sm">
        <FolderBrowser source={source} sourceKey={`${kind}:${base}`} selected={chosen} topLabel={top}
          onSelect={(path) => { setChosen(path); update({ settings: { ...draft.settings, root: join(base, path) } }); }} />
        <Button variant="subtle" w="fit-content" onClick={() => setBase(null)}>{t('serverFolders.hide')}</Button>
      </Stack>
    </Paper>
  );
}
