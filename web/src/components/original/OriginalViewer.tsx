import { lazy, Suspense, useEffect, useState } from 'react';
import { Anchor, Loader, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

const PdfPages = lazy(() => import('./PdfPages'));

type Loaded = { kind: 'pdf'; data: ArrayBuffer } | { kind: 'image'; url: string } | { kind: 'other' } | { kind: 'failed' };

const kindOf = (type: string, filename: string): 'pdf' | 'image' | 'other' => {
  if (type === 'application/pdf' || /\.pdf$/i.test(filename)) return 'pdf';
  if (type.startsWith('image/') || /\.(png|jpe?g|gif|webp|tiff?)$/i.test(filename)) return 'image';
  return 'other';
};

/**
 * The original file of an inbox item, beside its fields: a PDF drawn by pdf.js, an image as an
 * <img>, anything else (an XML e-invoice) as a download link. Fetched with the session's
 * cookie; always offers the download too.
 */
export function OriginalViewer({ url, filename }: { url: string; filename: string }) {
  const { t } = useTranslation();
  const [loaded, setLoaded] = useState<Loaded | null>(null);

  useEffect(() => {
    let objectUrl: string | null = null;
    let cancelled = false;
    setLoaded(null);
    void (async () => {
      try {
        const res = await globalThis.fetch(new URL(url, globalThis.location?.origin ?? 'http://localhost'), { credentials: 'same-origin' });
        if (!res.ok) throw new Error(String(res.status));
        const blob = await res.blob();
        if (cancelled) return;
        const kind = kindOf(blob.type, filename);
        if (kind === 'pdf') setLoaded({ kind, data: await blob.arrayBuffer() });
        else if (kind === 'image') { objectUrl = URL.createObjectURL(blob); setLoaded({ kind, url: objectUrl }); }
        else setLoaded({ kind });
      } catch {
        if (!cancelled) setLoaded({ kind: 'failed' });
      }
    })();
    return () => { cancelled = true; if (objectUrl) URL.revokeObjectURL(objectUrl); };
  }, [url, filename]);

  return (
    <Stack gap="xs" data-testid="original">
      {!loaded && <Loader size="sm" aria-label={t('app.loading')} />}
      {loaded?.kind === 'pdf' && <Suspense fallback={<Loader size="sm" aria-label={t('app.loading')} />}><PdfPages data={loaded.data} title={filename} /></Suspense>}
      {loaded?.kind === 'image' && <img src={loaded.url} alt={t('inbox.originalOf', { name: filename })} className="original-image" />}
      {loaded?.kind === 'other' && <Text c="dimmed" size="sm">{t('inbox.noPreview')}</Text>}
      {loaded?.kind === 'failed' && <Text c="red" size="sm">{t('inbox.viewerFailed')}</Text>}
      <Anchor href={url} download={filename} size="sm">{t('inbox.downloadOriginal', { name: filename })}</Anchor>
    </Stack>
  );
}
