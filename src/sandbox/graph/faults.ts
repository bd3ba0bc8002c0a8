/**
 * Graph's fault kinds (research/providers.md 1.4, 1.7); the rule matching is the sandbox kit's.
 */
import { FaultRules, type FaultRuleOf, type FiredFaultOf } from '../kit/faults.js';

export type FaultKind =
  /** 429 activityLimitReached/throttledRequest with Retry-After in seconds. */
  | 'throttle'
  /** 503 serviceNotAvailable with Retry-After. */
  | 'unavailable'
  /** 500 generalException (or `status`: 502, 504, 509). */
  | 'error'
  /** Reads part of the request body (or none), then destroys the socket. */
  | 'reset'
  /** Answers normally, `delayMs` later. */
  | 'delay'
  /** The upload session behind an uploadUrl is gone: 404 from then on. */
  | 'expireSession'
  /** 401 with WWW-Authenticate naming expired_token; the token stays dead. */
  | 'expireToken'
  /** 507 quotaLimitReached on anything that adds bytes. */
  | 'quotaFull';

/** api: Graph calls with a bearer token; upload: requests to an uploadUrl; download: pre-authenticated download URLs. */
export type Area = 'api' | 'upload' | 'download';

export type FaultRule = FaultRuleOf<FaultKind, Area>;
export type FiredFault = FiredFaultOf<FaultKind, Area>;

export class Faults extends FaultRules<FaultKind, Area> {}
