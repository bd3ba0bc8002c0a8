/**
 * Fault injection by rule, shared by the emulators. A rule picks requests by area, method and
 * path, fires at a rate (optionally a limited number of times) and names a kind of failure; each
 * emulator decides what that kind looks like on its wire (Graph's 429 body is not Drive's).
 */
import { seededRandom } from './random.js';

/** The kinds every emulator knows; each adds its own (Graph's 503, Drive's 403 rate limits). */
export type SharedFaultKind =
  /** The provider's 429 throttling answer, Retry-After as the rule says. */
  | 'throttle'
  /** The provider's 500 (or `status`: 502, 503, 504). */
  | 'error'
  /** Reads part of the request body (or none), then destroys the socket. */
  | 'reset'
  /** Answers normally, `delayMs` later. */
  | 'delay'
  /** The upload session behind the request is gone: 404 from then on. */
  | 'expireSession'
  /** 401; the token stays dead. */
  | 'expireToken'
  /** The provider's "out of space" answer on anything that sends bytes. */
  | 'quotaFull';

/** api: metadata calls with a bearer token; upload: upload sessions and content; download: content reads. */
export type Area = 'api' | 'upload' | 'download';

export interface FaultRuleOf<K extends string, A extends string> {
  /** One kind, or several to pick from at random each time the rule fires. */
  fault: K | K[];
  areas?: A[];
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

export interface FiredFaultOf<K extends string, A extends string> { kind: K; rule: FaultRuleOf<K, A> }

/** The rules of one emulator, changeable while it runs. The kind 'delay' only slows a request down. */
export class FaultRules<K extends string, A extends string> {
  private rules: FaultRuleOf<K, A>[] = [];
  private random: () => number;
  /** How often each kind fired, for tests that want to be sure the faults really happened. */
  readonly fired: Record<string, number> = {};

  constructor(seed = Date.now()) {
    this.random = seededRandom(seed);
  }

  add(rule: FaultRuleOf<K, A>): void {
    this.rules.push({ ...rule });
  }

  set(rules: FaultRuleOf<K, A>[]): void {
    this.rules = rules.map((r) => ({ ...r }));
  }

  clear(): void {
    this.rules = [];
  }

  seed(seed: number): void {
    this.random = seededRandom(seed);
  }

  /** The faults that hit this request: delays add up, and at most one failure is returned first. */
  pick(area: A, method: string, path: string): { delayMs: number; failure?: FiredFaultOf<K, A> } {
    let delayMs = 0;
    let failure: FiredFaultOf<K, A> | undefined;
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
