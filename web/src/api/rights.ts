import { api, unwrap, type Schemas } from './client';
import { useLoad } from './use-load';

export type Right = Schemas['User']['rights'][number];

/** The signed-in user's rights; null until loaded. */
export function useRights(): readonly Right[] | null {
  const { data } = useLoad(() => unwrap(api.GET('/v1/users/me')), []);
  return data?.rights ?? null;
}

/**
 * Whether the signed-in user holds a right: pages show a change only to who may make it (the
 * server refuses the others with 403 all the same). Unknown until loaded, so nothing flashes.
 */
export function useRight(right: Right): boolean {
  return useRights()?.includes(right) ?? false;
}
