import { useCallback, useEffect, useRef, useState } from 'react';

export interface Loaded<T> { data: T | undefined; error: Error | null; loading: boolean; reload(): Promise<void> }

/**
 * Loads once per change of `deps`, and again on reload(); an answer that arrives after a newer
 * request started is dropped, so a quick switch of company never shows the old company's data.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: Error | null; loading: boolean }>({ data: undefined, error: null, loading: true });
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const reload = useCallback(async () => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    try {
      const data = await loadRef.current();
      if (mine === generation.current) setState({ data, error: null, loading: false });
    } catch (error) {
      if (mine === generation.current) setState((s) => ({ data: s.data, error: error as Error, loading: false }));
    }
  }, []);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => { void reload(); }, deps);
  return { ...state, reload };
}
