import type { ReadOptions } from '../connector.js';

/** A read's byte range as the HTTP connectors send it: `header` for Range, `empty` when nothing is asked for. */
export function byteRange(opts?: ReadOptions): { start: number; end?: number; empty: boolean; header?: string } {
  const start = opts?.range?.start ?? 0;
  const end = opts?.range?.end;
  const header = opts?.range ? `bytes=${start}-${end !== undefined ? end - 1 : ''}` : undefined;
  return { start, ...(end !== undefined ? { end } : {}), empty: end !== undefined && end <= start, ...(header ? { header } : {}) };
}
