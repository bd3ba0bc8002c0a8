/** Fastify's options that come from the configuration: which proxies to believe, and the limits on slow clients. */
export interface ServerTimeouts { headersMs: number; requestMs: number; idleMs: number; keepAliveMs: number }

/**
 * Limits on slow and silent clients (docs/security.md): the headers within headersMs, the whole
 * request within requestMs (an upload's body included), no silence longer than idleMs. Node
 * checks the first two every connectionsCheckingInterval, kept below them so they hold.
 */
function timeoutOptions(t: ServerTimeouts | undefined) {
  if (!t) return {};
  return {
    connectionTimeout: t.idleMs, requestTimeout: t.requestMs, keepAliveTimeout: t.keepAliveMs,
    http: { headersTimeout: t.headersMs, requestTimeout: t.requestMs, connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(t.headersMs / 2))) },
  };
}

/**
 * Fastify's trustProxy. A hop count trusts the nearest n addresses of the chain whatever they
 * are (Express's meaning; Fastify itself would trust none): only for a Dossier that nothing
 * but its proxies can reach, which docs/security.md says.
 */
function trustProxyOption(trust: boolean | number | string[] | undefined): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return trust ?? false;
}

export function serverOptions(config: { trustProxy?: boolean | number | string[]; timeouts?: ServerTimeouts }) {
  return { trustProxy: trustProxyOption(config.trustProxy), ...timeoutOptions(config.timeouts) };
}
