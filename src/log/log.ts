import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * Secrets never reach a log line: any field with one of these names is replaced, at any
 * depth pino can address, and the HTTP headers that carry credentials too.
 */
const SECRET_KEYS = ['password', 'privateKey', 'passphrase', 'secret', 'secrets', 'token', 'accessToken', 'refreshToken', 'apiKey', 'clientSecret'];
export const REDACT_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  ...SECRET_KEYS.map((k) => `*.*.${k}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
];

/**
 * Credentials that travel inside text, whatever the field is called: the one redaction for log
 * messages, request URLs and the outbox's mail lines. One-time links (a client's /connect/dci_...,
 * a user's /join/dui_...), API keys (their public prefix stays, to tell which key it was), bearer
 * tokens, Dossier's cookies written out, and query parameters that carry OAuth codes, states and
 * tokens, keys or passwords.
 */
const SECRET_TEXT: Array<[RegExp, string]> = [
  [/\b(dci|dui)_[A-Za-z0-9_-]{20,}/g, '$1_[redacted]'],
  [/\bdsk_([0-9a-f]{12})_[A-Za-z0-9_-]+/g, 'dsk_$1_[redacted]'],
  [/\b(Bearer)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]'],
  [/\b(dossier_[a-z_]+)=[^;\s,"']+/g, '$1=[redacted]'],
  [/([?&#;](?:access_token|refresh_token|id_token|code|state|token|client_secret|password|key|api_key|session)=)[^&#\s"']+/gi, '$1[redacted]'],
];

export function scrubText(text: string): string {
  return SECRET_TEXT.reduce((t, [re, by]) => t.replace(re, by), text);
}

/** Strings of a log call (message and fields, a few levels down) with the credentials in them replaced. */
function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return Object.assign(Object.create(Object.getPrototypeOf(value) as object), value, { message: scrubText(value.message), stack: value.stack && scrubText(value.stack) });
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, depth + 1)]));
}

/** What a request's log lines say about it (Fastify's own fields), its URL without credentials. */
interface LoggedRequest { method: string; url: string; host?: string; ip?: string; socket?: { remotePort?: number } }
const requestSerializer = (req: LoggedRequest) => ({
  method: req.method, url: scrubText(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort,
});

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({
    level, redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { req: requestSerializer },
    hooks: { logMethod(args, method) { method.apply(this, args.map((a) => scrub(a)) as Parameters<typeof method>); } },
  }, destination);
}

/** A logger that writes nothing, for tests and library use. */
export const silentLogger: Logger = pino({ level: 'silent' });
