import { ConnectorError, type ConnectorErrorKind } from '../connector.js';

const byCode: Record<string, ConnectorErrorKind> = {
  ENOENT: 'not_found',
  ENOTDIR: 'not_found',
  EISDIR: 'is_directory',
  EEXIST: 'already_exists',
  ENOTEMPTY: 'already_exists',
  ENOSPC: 'quota_exceeded',
  EDQUOT: 'quota_exceeded',
  EACCES: 'permission_denied',
  EPERM: 'permission_denied',
  EROFS: 'permission_denied',
  ELOOP: 'permission_denied', // O_NOFOLLOW met a symbolic link
  ENAMETOOLONG: 'invalid_name',
  EILSEQ: 'invalid_name',
  EBUSY: 'transient',
  EAGAIN: 'transient',
  EIO: 'transient',
  EMFILE: 'transient',
  ENFILE: 'transient',
  ABORT_ERR: 'cancelled',
};

/** Maps a file system error to a ConnectorError; the one place local failures are classified. */
export function classify(err: unknown, path: string): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const code = (err as NodeJS.ErrnoException)?.code ?? '';
  const kind = byCode[code] ?? ((err as Error)?.name === 'AbortError' ? 'cancelled' : 'fatal');
  const what = kind === 'quota_exceeded' ? 'The disk is full' : (err as Error)?.message ?? String(err);
  return new ConnectorError(kind, `${what} (${path || '/'})`, undefined, { cause: err });
}
