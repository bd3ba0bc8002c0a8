/**
 * Drive's fault kinds (docs/providers/google-drive.md, "Uploads" and "Errors and throttling"); the rule matching is the sandbox kit's.
 * throttle: 429 rateLimitExceeded (Retry-After only when the rule gives retryAfterSeconds, as
 * Drive does not promise one); error: 500 backendError; expireToken: 401 authError;
 * quotaFull: 403 storageQuotaExceeded.
 */
import { FaultRules, type Area, type FaultRuleOf, type FiredFaultOf, type SharedFaultKind } from '../kit/faults.js';

export type FaultKind = SharedFaultKind
  /** 403 userRateLimitExceeded, domain usageLimits: Drive's usual way of saying "slow down". */
  | 'userRateLimit'
  /** 403 rateLimitExceeded, domain usageLimits. */
  | 'rateLimit';

/** api: metadata calls; upload: /upload/... (initiation, multipart and session chunks); download: alt=media. */
export type { Area };

export type FaultRule = FaultRuleOf<FaultKind, Area>;
export type FiredFault = FiredFaultOf<FaultKind, Area>;

export class Faults extends FaultRules<FaultKind, Area> {}
