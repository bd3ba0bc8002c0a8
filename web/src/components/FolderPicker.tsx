import { useState, type FormEvent } from 'react';
import { Anchor, Breadcrumbs, Button, Group, NavLink, Paper, ScrollArea, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/client';
import { useLoad } from '../api/use-load';
import { ErrorAlert } from './ErrorAlert';

const join = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);
/** A folder as people read it: one slash before it, whatever the source wrote. */
export const shownPath = (path: string) => `/${path.replace(/^\/+/, '')}`;

/** Where the folders come from: a page of a folder's subfolders, and (when allowed) making one. */
export interface FolderSource {
  list(path: string, pageToken?: string): Promise<{ folders: Array<{ name: string; path: string }>; nextPageToken?: string | null }>;
  create?(path: string): Promise<{ path: string }>;
}

/** The folders of a connected account (the wizard's source). */
export function FolderPicker({ connectionId, ...rest }: { connectionId: string; selected: string | null; onSelect(path: string): void; topLabel: string }) {
  const source: FolderSource = {
    list: (path, pageToken) => unwrap(api.GET('/v1/connections/{id}/folders', { params: { path: { id: connectionId }, query: { path, ...(pageToken && { pageToken }) } } })),
    create: (path) => unwrap(api.POST('/v1/connections/{id}/folders', { params: { path: { id: connectionId } }, body: { path } })),
  };
  return <FolderBrowser source={source} sourceKey={connectionId} {...rest} />;
}

/**
 * Browses folders: breadcrumbs back up, a folder to go in, a new folder made here (when the
 * source allows it), and "select current folder" to choose where you are.
 */
export function FolderBrowser({ source, sourceKey, selected, onSelect, topLabel }: { source: FolderSource; sourceKey: string; selected: string | null; onSelect(path: string): void; topLabel: string }) {
  const { t } = useTranslation();
  const [path, setPath] = useState(selected ?? '');
  const [extra, setExtra] = useState<{ folders: Array<{ name: string; path: string }>; next: string | null } | null>(null);
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const page = useLoad(async () => {
    setExtra(null);
    return source.list(path);
  }, [sourceKey, path]);
  const folders = [...(page.data?.folders ?? []), ...(extra?.folders ?? [])];
  const nextToken = extra ? extra.next : page.data?.nextPageToken ?? null;
  const segments = path ? path.split('/') : [];

  const more = async () => {
    if (!nextToken) return;
    const r = await source.list(path, nextToken);
    setExtra({ folders: [...(extra?.folders ?? []), ...r.folders], next: r.nextPageToken ?? null });
  };
  // One folder at a time: a slash would quietly make a folder inside a folder.
  const nameProblem = /[/\\]/.test(name) ? t('wizard.folderSlash') : null;
  const create = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim() || nameProblem || !source.create) return;
    setError(null);
    try {
      const made = await source.create(join(path, name.trim()));
      setName('');
      setPath(made.path);
    } catch (err) { setError(err); }
  };

  return (
    <Stack>
      <nav aria-label={t('wizard.folderPath')}>
      <Breadcrumbs separatorMargin={4} style={{ flexWrap: 'wrap' }}>
        <Anchor component="button" type="button" onClick={() => setPath('')}>{topLabel}</Anchor>
        {segments.map((s, i) => (
          <Anchor key={i} component="button" type="button" onClick={() => setPath(segments.slice(0, i + 1).join('/'))} aria-current={i === segments.length - 1 ? 'location' : undefined}>{s}</Anchor>
        ))}
      </Breadcrumbs>
      </nav>
      <ErrorAlert error={page.error ?? error} />
      <Paper withBorder>
        <ScrollArea.Autosize mah={300}>
          <nav aria-label={t('wizard.folder')} data-testid="folder-list">
            {folders.map((f) => <NavLink key={f.path} label={f.name} onClick={() => setPath(f.path)} component="button" type="button" />)}
            {!page.loading && folders.length === 0 && <Text p="sm" c="dimmed" size="sm">{t('wizard.emptyFolder')}</Text>}
          </nav>
        </ScrollArea.Autosize>
        {nextToken && <Button variant="subtle" onClick={() => void more()} fullWidth>{t('common.loadMore')}</Button>}
      </Paper>
      {source.create && (
        <Group component="form" onSubmit={(e: FormEvent) => void create(e)} align="flex-end" wrap="wrap">
          <TextInput label={t('wizard.newFolder')} value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={255} error={nameProblem} />
          <Button type="submit" variant="default" disabled={!name.trim() || !!nameProblem}>{t('wizard.create')}</Button>
        </Group>
      )}
      <Group>
        {/* Off once this folder is the one chosen: there is nothing left to select here. */}
        <Button onClick={() => onSelect(path)} disabled={selected === path} data-testid="select-current-folder">{t('wizard.selectCurrent')}</Button>
        <Text size="sm" aria-live="polite" className="path">{selected !== null ? t('wizard.selected', { path: shownPath(selected) }) : t('wizard.selectFirst')}</Text>
      </Group>
    </Stack>
  );
}
