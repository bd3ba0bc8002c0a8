import { useEffect, useRef, useState } from 'react';
import { ActionIcon, Button, Group, Loader, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { getDocument, GlobalWorkerOptions, type PDFDocumentProxy, type RenderTask } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

GlobalWorkerOptions.workerSrc = workerUrl;

/** Zoom steps, as a share of the column's width: small enough to see a page whole, large enough to read small print. */
export const ZOOMS = [0.5, 0.75, 1, 1.25, 1.5, 2, 3] as const;
const FIT = ZOOMS.indexOf(1);

/**
 * A PDF drawn with pdf.js, a page at a time, with paging and zoom. At 100 % the page is as wide
 * as the column; wider, it scrolls inside its own box, so the page around it never scrolls
 * sideways (a phone included). The browser's own viewer cannot be used: the original is served
 * as an attachment in a sandbox, and the app's policy allows no plugins. Loaded on demand, so
 * pages without a PDF do not pay for it.
 */
export default function PdfPages({ data, title }: { data: ArrayBuffer; title: string }) {
  const { t } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const [pdf, setPdf] = useState<PDFDocumentProxy | null>(null);
  const [failed, setFailed] = useState(false);
  const [page, setPage] = useState(1);
  const [zoom, setZoom] = useState(FIT);
  const [drawn, setDrawn] = useState(false);

  useEffect(() => {
    let cancelled = false;
    setPdf(null); setFailed(false); setPage(1); setZoom(FIT);
    // pdf.js takes the buffer over; a copy keeps the caller's intact for a second render.
    const task = getDocument({ data: data.slice(0) });
    task.promise.then((doc) => { if (!cancelled) setPdf(doc); }, () => { if (!cancelled) setFailed(true); });
    return () => { cancelled = true; void task.destroy(); };
  }, [data]);

  useEffect(() => {
    const host = box.current;
    if (!pdf || !host) return;
    let cancelled = false;
    let render: RenderTask | null = null;
    setDrawn(false);
    void (async () => {
      try {
        const p = await pdf.getPage(page);
        if (cancelled) return;
        const width = Math.max(host.clientWidth, 280) * ZOOMS[zoom]!;
        const base = p.getViewport({ scale: 1 });
        const viewport = p.getViewport({ scale: (width / base.width) * (globalThis.devicePixelRatio || 1) });
        const canvas = document.createElement('canvas');
        canvas.width = viewport.width;
        canvas.height = viewport.height;
        canvas.style.width = `${width}px`;
        canvas.setAttribute('role', 'img');
        canvas.setAttribute('aria-label', t('inbox.pageOf', { page, pages: pdf.numPages, name: title }));
        canvas.dataset.zoom = String(ZOOMS[zoom]);
        render = p.render({ canvas, viewport });
        await render.promise;
        if (cancelled) return;
        host.replaceChildren(canvas);
        setDrawn(true);
      } catch {
        if (!cancelled) setFailed(true);
      }
    })();
    return () => { cancelled = true; render?.cancel(); };
  }, [pdf, page, zoom, title, t]);

  const pages = pdf?.numPages ?? 0;
  return (
    <div>
      {pdf && (
        <Group gap={4} wrap="wrap" role="toolbar" aria-label={t('preview.toolbar')} data-testid="pdf-toolbar" mb={4}>
          <Button size="compact-sm" variant="default" onClick={() => setPage((n) => n - 1)} disabled={page <= 1}>{t('preview.previous')}</Button>
          <Text size="sm" aria-live="polite" data-testid="pdf-page">{t('preview.pageOf', { page, pages })}</Text>
          <Button size="compact-sm" variant="default" onClick={() => setPage((n) => n + 1)} disabled={page >= pages}>{t('preview.next')}</Button>
          <ActionIcon variant="default" onClick={() => setZoom((z) => z - 1)} disabled={zoom <= 0} aria-label={t('preview.zoomOut')}>−</ActionIcon>
          <Text size="sm" data-testid="pdf-zoom">{t('preview.zoom', { percent: Math.round(ZOOMS[zoom]! * 100) })}</Text>
          <ActionIcon variant="default" onClick={() => setZoom((z) => z + 1)} disabled={zoom >= ZOOMS.length - 1} aria-label={t('preview.zoomIn')}>+</ActionIcon>
          <Button size="compact-sm" variant="subtle" onClick={() => setZoom(FIT)} disabled={zoom === FIT}>{t('preview.fit')}</Button>
        </Group>
      )}
      {!failed && !drawn && <Loader size="sm" aria-label={t('app.loading')} />}
      <div ref={box} className="pdf-pages" data-testid="pdf-pages" />
      {failed && <Text c="red" size="sm">{t('inbox.viewerFailed')}</Text>}
    </div>
  );
}
