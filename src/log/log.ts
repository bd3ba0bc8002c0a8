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

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, destination);
}

/** A logger that writes nothing, for tests and library use. */
export const silentLogger: Logger = pino({ level: 'silent' });
