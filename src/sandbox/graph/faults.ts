/**
 * Fault injection by rule, per emulator, changeable while it runs. A rule picks requests by area,
 * method and path, fires at a rate (optionally a limited number of times) and then breaks the
 * request in one of the ways the real service does (research/providers.md 1.4, 1.7).
 */
import { seededRandom } from '../kit/random.js';

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

export interface FaultRule {
  /** One kind, or several to pick from at random each time the rule fires. */
  fault: FaultKind | FaultKind[];
  areas?: Area[];
  method?: string;
  /** Tested against the request path (query excluded). */
  path?: RegExp;
  /** Share of matching requests that fail, 0..1; default 1. */
  rate?: number;
  /** Fires at most this many times. */
  times?: number;
  retryAfterSeconds?: number;
  status?: number;
  delayMs?: number;
  /** For reset: body bytes to read before the socket goes; default half the announced length. */
  resetAfterBytes?: number;
}

export interface FiredFault { kind: FaultKind; rule: FaultRule }

export class Faults {
  private rules: FaultRule[] = [];
  private random: () => number;
  /** How often each kind fired, for tests that want to be sure the faults really happened. */
  readonly fired: Record<string, number> = {};

  constructor(seed = Date.now()) {
    this.random = seededRandom(seed);
  }

  add(rule: FaultRule): void {
    this.rules.push({ ...rule });
  }

  set(rules: FaultRule[]): void {
    this.rules = rules.map((r) => ({ ...r }));
  }

  clear(): void {
    this.rules = [];
  }

  seed(seed: number): void {
    this.random = seededRandom(seed);
  }

  /** The faults that hit this request: delays add up, and at most one failure is returned first. */
  pick(area: Area, method: string, path: string): { delayMs: number; failure?: FiredFault } {
    let delayMs = 0;
    let failure: FiredFault | undefined;
    for (const rule of this.rules) {
      if (rule.areas && !rule.areas.includes(area)) continue;
      if (rule.method && rule.method !== method) continue;
      if (rule.path && !rule.path.test(path)) continue;
      if (rule.times !== undefined && rule.times <= 0) continue;
      if (this.random() >= (rule.rate ?? 1)) continue;
      const kinds = Array.isArray(rule.fault) ? rule.fault : [rule.fault];
      const kind = kinds[Math.floor(this.random() * kinds.length)]!;
      if (kind !== 'delay' && failure) continue;
      if (rule.times !== undefined) rule.times--;
      this.fired[kind] = (this.fired[kind] ?? 0) + 1;
      if (kind === 'delay') delayMs += rule.delayMs ?? 100;
      else failure = { kind, rule };
    }
    return { delayMs, failure };
  }
}
