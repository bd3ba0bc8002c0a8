import { useEffect, useRef, useState } from 'react';
import { Loader, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { getDocument, GlobalWorkerOptions } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

GlobalWorkerOptions.workerSrc = workerUrl;
/** Enough pages to check a document against its fields; a longer one is downloaded. */
const MAX_PAGES = 5;

/**
 * A PDF drawn with pdf.js onto canvases, one per page, as wide as the column. The browser's
 * own viewer cannot be used: the original is served as an attachment in a sandbox, and the
 * app's policy allows no plugins. Loaded on demand, so pages without a PDF do not pay for it.
 */
export default function PdfPages({ data, title }: { data: ArrayBuffer; title: string }) {
  const { t } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<{ pages: number; failed: boolean; drawn: boolean }>({ pages: 0, failed: false, drawn: false });

  useEffect(() => {
    let cancelled = false;
    // pdf.js takes the buffer over; a copy keeps the caller's intact for a second render.
    const task = getDocument({ data: data.slice(0) });
    void (async () => {
      try {
        const doc = await task.promise;
        const host = box.current;
        if (cancelled || !host) return;
        host.replaceChildren();
        const width = Math.max(host.clientWidth, 320);
        const count = Math.min(doc.numPages, MAX_PAGES);
        for (let n = 1; n <= count && !cancelled; n++) {
          const page = await doc.getPage(n);
          const base = page.getViewport({ scale: 1 });
          const viewport = page.getViewport({ scale: (width / base.width) * (globalThis.devicePixelRatio || 1) });
          const canvas = document.createElement('canvas');
          canvas.width = viewport.width;
          canvas.height = viewport.height;
          canvas.style.width = '100%';
          canvas.setAttribute('role', 'img');
          canvas.setAttribute('aria-label', t('inbox.pageOf', { page: n, pages: doc.numPages, name: title }));
          host.appendChild(canvas);
          await page.render({ canvas, viewport }).promise;
        }
        if (!cancelled) setState({ pages: doc.numPages, failed: false, drawn: true });
      } catch {
        if (!cancelled) setState({ pages: 0, failed: true, drawn: true });
      }
    })();
    return () => { cancelled = true; void task.destroy(); };
  }, [data, title, t]);

  return (
    <div>
      {!state.drawn && <Loader size="sm" aria-label={t('app.loading')} />}
      <div ref={box} className="pdf-pages" data-testid="pdf-pages" />
      {state.failed && <Text c="red" size="sm">{t('inbox.viewerFailed')}</Text>}
      {state.pages > MAX_PAGES && <Text c="dimmed" size="sm">{t('inbox.morePages', { count: state.pages - MAX_PAGES })}</Text>}
    </div>
  );
}
