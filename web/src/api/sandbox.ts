import { api, unwrap } from './client';
import { useLoad } from './use-load';

/**
 * Whether this installation offers the sandbox (its emulated providers): the sandbox's page
 * and the links to it are shown only then. Unknown (false) until the providers are loaded.
 */
export function useSandboxOn(): boolean {
  const { data } = useLoad(() => unwrap(api.GET('/v1/providers')), []);
  return data?.items.some((p) => p.sandbox) ?? false;
}
