import { ConnectorError, type ConnectorErrorKind } from '../connector.js';
import { cancelled } from '../kit/abort.js';
import { isNetworkCode } from '../kit/network.js';

/** SFTP v3 status codes (draft-ietf-secsh-filexfer-02, section 7). */
export const STATUS = {
  EOF: 1,
  NO_SUCH_FILE: 2,
  PERMISSION_DENIED: 3,
  FAILURE: 4,
  BAD_MESSAGE: 5,
  NO_CONNECTION: 6,
  CONNECTION_LOST: 7,
  OP_UNSUPPORTED: 8,
} as const;

export const AUTH_MESSAGE = 'The SFTP server refused the user name or key/password: check them under Destinations.';

/** What the failing call was doing; FAILURE (4) means different things in different places. */
export interface ErrorContext {
  op?: 'write' | 'connect' | 'other';
  /** Free bytes the server reported after a failed write, when it could tell. */
  free?: number | null;
  /** Size of the file being written. */
  size?: number;
}

/** True when `err` is an SFTP status response with this code. */
export function hasStatus(err: unknown, code: number): boolean {
  return (err as { code?: unknown })?.code === code;
}

const byStatus: Record<number, ConnectorErrorKind> = {
  [STATUS.NO_SUCH_FILE]: 'not_found',
  [STATUS.PERMISSION_DENIED]: 'permission_denied',
  [STATUS.BAD_MESSAGE]: 'fatal',
  [STATUS.NO_CONNECTION]: 'transient',
  [STATUS.CONNECTION_LOST]: 'transient',
  [STATUS.OP_UNSUPPORTED]: 'fatal',
};

// What ssh2 says when the connection or a channel goes away under a pending request.
const transientMessages = /no response from server|not connected|channel open failure|channel (is )?closed|connection (lost|closed)|keepalive timeout|timed out while waiting for handshake|socket (closed|hang up)/i;

/** Maps an ssh2 or SFTP error to a ConnectorError; the one place SFTP failures are classified. */
export function classify(err: unknown, path: string, ctx: ErrorContext = {}): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const e = err as { code?: unknown; level?: unknown; message?: unknown; name?: unknown } | undefined;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const where = `(${path || '/'})`;
  const make = (kind: ConnectorErrorKind, text: string) => new ConnectorError(kind, text, undefined, { cause: err });

  if (e?.name === 'AbortError' || e?.code === 'ABORT_ERR') return cancelled(err);
  if (e?.level === 'client-authentication') return make('auth_expired', AUTH_MESSAGE);
  if (/cannot parse privatekey|encrypted private ?key|bad passphrase|no passphrase/i.test(message)) {
    return make('auth_expired', `The private key could not be read (${message}); check the key and its passphrase under Destinations.`);
  }
  if (e?.code === 'ENOTFOUND') return make('fatal', `The SFTP server's host name could not be found (${message}).`);

  if (typeof e?.code === 'number') {
    const code = e.code;
    if (code === STATUS.FAILURE) {
      if (ctx.op === 'write') {
        // OpenSSH reports ENOSPC and EDQUOT as a bare FAILURE, so ask the disk before guessing.
        if (ctx.free != null && ctx.size !== undefined && ctx.free < ctx.size) {
          return make('quota_exceeded', `The SFTP server's disk is full: ${ctx.free} bytes free, ${ctx.size} needed ${where}`);
        }
        return make('fatal', `The SFTP server could not write the file: ${message}. If the account has a disk quota, it may be used up ${where}`);
      }
      return make('fatal', `The SFTP server reported a failure: ${message} ${where}`);
    }
    const kind = byStatus[code];
    if (kind) return make(kind, `${message} ${where}`);
  }

  // Socket and DNS failures (a name that does not resolve at all is fatal, above): the server may well be back soon.
  if (isNetworkCode(e?.code)) return make('transient', `The connection to the SFTP server failed: ${message}`);
  if (e?.level === 'client-socket' || e?.level === 'client-timeout' || transientMessages.test(message)) {
    return make('transient', `The connection to the SFTP server failed: ${message}`);
  }
  return make('fatal', `${message} ${where}`);
}
