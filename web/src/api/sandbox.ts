import { api, unwrap, type Schemas } from './client';
import { useLoad } from './use-load';

/** The accounts that can be connected (OneDrive, Google Drive, Dropbox, their sandboxes); empty until loaded. */
export function useProviders(): Schemas['Provider'][] {
  const { data } = useLoad(() => unwrap(api.GET('/v1/providers')), []);
  return data?.items ?? [];
}

/**
 * Whether this installation offers the sandbox (its emulated providers): the sandbox's page
 * and the links to it are shown only then. Unknown (false) until the providers are loaded.
 */
export function useSandboxOn(): boolean {
  return useProviders().some((p) => p.sandbox);
}
