/**
 * Graph's fault kinds (docs/providers/onedrive.md, "Uploads" and "Errors and throttling"); the rule matching is the sandbox kit's.
 * throttle: 429 activityLimitReached/throttledRequest with Retry-After in seconds; error: 500
 * generalException; expireToken: 401 naming expired_token; quotaFull: 507 quotaLimitReached.
 */
import { FaultRules, type Area, type FaultRuleOf, type FiredFaultOf, type SharedFaultKind } from '../kit/faults.js';

export type FaultKind = SharedFaultKind
  /** 503 serviceNotAvailable with Retry-After. */
  | 'unavailable';

/** api: Graph calls with a bearer token; upload: requests to an uploadUrl; download: pre-authenticated download URLs. */
export type { Area };

export type FaultRule = FaultRuleOf<FaultKind, Area>;
export type FiredFault = FiredFaultOf<FaultKind, Area>;

export class Faults extends FaultRules<FaultKind, Area> {}
