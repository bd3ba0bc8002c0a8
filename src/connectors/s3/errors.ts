import { ConnectorError, type ConnectorErrorKind } from '../connector.js';
import { cancelled } from '../kit/abort.js';
import { detailOf, networkFailure } from '../kit/network.js';

/** What the AWS SDK throws for an answer of the server: an S3ServiceException, or any error with $metadata. */
interface SdkFailure { name: string; message: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown }

const isSdkFailure = (e: unknown): e is SdkFailure => typeof e === 'object' && e !== null && '$metadata' in e;

export const AUTH_MESSAGE = 'The S3 server refused the access key: check the access key id and secret under Destinations';

/** S3 error codes that say more than their status. */
const BY_CODE: Record<string, ConnectorErrorKind> = {
  NoSuchKey: 'not_found', NotFound: 'not_found', NoSuchUpload: 'transient',
  InvalidAccessKeyId: 'auth_expired', SignatureDoesNotMatch: 'auth_expired', ExpiredToken: 'auth_expired', InvalidToken: 'auth_expired',
  AccessDenied: 'permission_denied', AllAccessDisabled: 'permission_denied', AccountProblem: 'permission_denied',
  SlowDown: 'rate_limited', TooManyRequests: 'rate_limited', RequestLimitExceeded: 'rate_limited',
  QuotaExceeded: 'quota_exceeded', StorageQuotaExceeded: 'quota_exceeded', XMinioStorageFull: 'quota_exceeded',
  BadDigest: 'transient', InvalidDigest: 'transient', XAmzContentSHA256Mismatch: 'transient', RequestTimeout: 'transient',
  InternalError: 'transient', ServiceUnavailable: 'transient',
  KeyTooLongError: 'invalid_name', InvalidObjectName: 'invalid_name',
  NoSuchBucket: 'fatal', PermanentRedirect: 'fatal', AuthorizationHeaderMalformed: 'fatal',
};

function kindOf(f: SdkFailure): ConnectorErrorKind {
  const byCode = BY_CODE[f.name];
  if (byCode) return byCode;
  const status = f.$metadata?.httpStatusCode ?? 0;
  if (status === 404) return 'not_found';
  if (status === 401) return 'auth_expired';
  if (status === 403) return 'permission_denied';
  if (status === 429 || status === 503) return 'rate_limited';
  if (status === 507) return 'quota_exceeded';
  if (status >= 500 || status === 408) return 'transient';
  return 'fatal';
}

function messageOf(kind: ConnectorErrorKind, f: SdkFailure, where: string): string {
  switch (kind) {
    case 'not_found': return `${where} does not exist in the bucket`;
    case 'auth_expired': return AUTH_MESSAGE;
    case 'permission_denied': return `The S3 server does not allow this on ${where} (${f.name}): the access key needs the permissions listed in the S3 set-up guide`;
    case 'rate_limited': return `The S3 server asks us to slow down (${where})`;
    case 'quota_exceeded': return `The bucket is full (${where})`;
    case 'transient':
      if (f.name === 'BadDigest' || f.name === 'InvalidDigest' || f.name === 'XAmzContentSHA256Mismatch') return `The S3 server received different bytes for ${where} than were sent; try again`;
      return `The S3 server had a temporary problem with ${where} (${f.name})`;
    case 'invalid_name': return `The S3 server refused the name ${where} (${f.name})`;
    default:
      if (f.name === 'NoSuchBucket') return 'The bucket does not exist: check its name and region under Destinations';
      if (f.name === 'PermanentRedirect' || f.name === 'AuthorizationHeaderMalformed') return `The bucket is in another region or needs another endpoint (${f.message})`;
      return `The S3 server rejected the request for ${where} (${f.name}: ${f.message})`;
  }
}

/** Maps any S3 failure to a ConnectorError; the one place S3 failures are classified. */
export function classify(err: unknown, path: string, signal?: AbortSignal): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const cause = (err as { cause?: unknown })?.cause;
  if (cause instanceof ConnectorError) return cause; // the egress policy, refusing from inside the socket's lookup
  const where = path || 'the root folder';
  if (signal?.aborted || (err as Error)?.name === 'AbortError') return cancelled(err);
  if (isSdkFailure(err) && err.$metadata?.httpStatusCode) {
    const kind = kindOf(err);
    return new ConnectorError(kind, messageOf(kind, err, where), undefined, { cause: err });
  }
  const code = String((err as NodeJS.ErrnoException)?.code ?? '');
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
    return new ConnectorError('fatal', `The S3 server's certificate is not trusted (${detailOf(err)})`, undefined, { cause: err });
  }
  if (code === 'EGRESS_REFUSED') return new ConnectorError('permission_denied', detailOf(err), undefined, { cause: err });
  const network = networkFailure(err);
  if (network !== null || (err as Error)?.name === 'TimeoutError') return new ConnectorError('transient', `Could not reach the S3 server for ${where} (${network ?? detailOf(err)})`, undefined, { cause: err });
  return new ConnectorError('fatal', `${detailOf(err)} (${where})`, undefined, { cause: err });
}

/** True for a HEAD or GET of a key that is not there. */
export function isMissing(err: unknown): boolean {
  if (!isSdkFailure(err)) return false;
  return err.name === 'NotFound' || err.name === 'NoSuchKey' || err.$metadata?.httpStatusCode === 404;
}
