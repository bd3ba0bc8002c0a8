/**
 * Dropbox's fault kinds; the rule matching is the sandbox kit's. throttle: 429 too_many_requests
 * (too_many_write_operations on write routes) with Retry-After; error: 500, or with status 409
 * the route's too_many_write_operations; expireToken: 401 expired_access_token; quotaFull: the
 * request finds the account full.
 */
import { FaultRules, type FaultRuleOf, type FiredFaultOf, type SharedFaultKind } from '../kit/faults.js';

export type FaultKind = SharedFaultKind
  /** 503 with Retry-After, as Dropbox answers when it sheds load. */
  | 'unavailable';

/** api: the RPC host; upload: the content host's uploads; download: files/download. */
export type Area = 'api' | 'upload' | 'download';

export type FaultRule = FaultRuleOf<FaultKind, Area>;
export type FiredFault = FiredFaultOf<FaultKind, Area>;

export class Faults extends FaultRules<FaultKind, Area> {}
