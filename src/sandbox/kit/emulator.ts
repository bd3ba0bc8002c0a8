import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../log/log.js';
import type { FaultRules, FiredFaultOf } from './faults.js';
import { drain } from './http.js';

/** The request loop, token source and loopback server every emulator shares. */

/** What every emulator is started with, besides its own options. */
export interface EmulatorOptionsBase {
  /** Seeds the fault rules' random picks, so a failing run can be made again. */
  seed?: number;
  /** Where clients reach it, when mounted behind another server; default the listening address. */
  publicOrigin?: string;
  log?: Logger;
}

export interface RequestRecordOf<A extends string> { method: string; path: string; area: A; status?: number }

const MAX_LOG = 5000;

/** Appends to the request log (the last 5000 kept), filling in the status once answered. */
export function logRequest<A extends string>(log: RequestRecordOf<A>[], req: IncomingMessage, res: ServerResponse, path: string, area: A): RequestRecordOf<A> {
  const record: RequestRecordOf<A> = { method: req.method ?? 'GET', path, area };
  log.push(record);
  if (log.length > MAX_LOG) log.splice(0, log.length - MAX_LOG);
  res.on('finish', () => { record.status = res.statusCode; });
  return record;
}

export interface ServeRequest<K extends string, A extends string> {
  req: IncomingMessage;
  res: ServerResponse;
  record: RequestRecordOf<A>;
  faults: FaultRules<K, A>;
  /** Refuses a malformed request (throws) before any fault fires, as the provider's front door does. */
  check?(): void;
  /** Applies a fired fault; true when it answered (or cut) the request itself. */
  inject(f: FiredFaultOf<K, A>): Promise<boolean>;
  route(): Promise<void>;
  /** Answers a thrown error in the emulator's own error shape. */
  fail(e: unknown): void;
}

/** The check, then faults (delays, then at most one failure), then the route; errors answered unless the socket is gone. */
export async function serveRequest<K extends string, A extends string>(p: ServeRequest<K, A>): Promise<void> {
  try {
    p.check?.();
    const { delayMs, failure } = p.faults.pick(p.record.area, p.record.method, p.record.path);
    if (delayMs) await sleep(delayMs);
    if (failure && (await p.inject(failure))) return;
    await p.route();
  } catch (e) {
    if (p.res.headersSent || !p.req.socket || p.req.socket.destroyed) return;
    await drain(p.req);
    p.fail(e);
  }
}

export interface EmulatorTokenSource { accessToken(opts?: { refresh?: boolean }): Promise<string>; refreshes: number }

/**
 * A token source (the connectors' TokenSource shape) over tokens an emulator issues: one token
 * until asked to refresh, as the real token vault behaves. `refreshes` counts refreshes.
 */
export function tokenSourceOver(tokenFor: () => string): EmulatorTokenSource {
  let current: string | null = null;
  const source = {
    refreshes: 0,
    accessToken: async (o?: { refresh?: boolean }) => {
      if (o?.refresh) source.refreshes++;
      if (!current || o?.refresh) current = tokenFor();
      return current;
    },
  };
  return source;
}

/** Serves a handler on a free loopback port. */
export async function serveOnLoopback(handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Promise<{ origin: string; stop(): Promise<void> }> {
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

interface Token { user: string; expiresAt: number; dead: boolean }

/** Bearer tokens an emulator issued, by value; they die after their lifetime or when expired. */
export class IssuedTokens {
  private readonly tokens = new Map<string, Token>();

  constructor(private readonly prefix: string, private readonly lifetimeMs: number) {}

  issue(user: string): string {
    const token = `${this.prefix}${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, { user, expiresAt: Date.now() + this.lifetimeMs, dead: false });
    return token;
  }

  /** The user of a live token; 'dead' for an expired one; undefined for one never issued. */
  check(token: string): { user: string } | 'dead' | undefined {
    const t = this.tokens.get(token);
    if (!t) return undefined;
    return t.dead || t.expiresAt <= Date.now() ? 'dead' : { user: t.user };
  }

  /** Kills one token; false if it was never issued. */
  kill(token: string): boolean {
    const t = this.tokens.get(token);
    if (t) t.dead = true;
    return !!t;
  }

  /** Ends every token of a user (or all), as if they had expired. */
  expire(user?: string): void {
    for (const t of this.tokens.values()) if (!user || t.user === user) t.dead = true;
  }
}

/** What every emulator's state holds besides its storage: issued tokens and the request log. */
export class EmulatorStateBase<A extends string> {
  /** The last requests (path without query), so tests can count what an operation cost. */
  readonly requests: RequestRecordOf<A>[] = [];

  constructor(readonly tokens: IssuedTokens) {}

  /** Ends every token of a user (or all), as if they had expired. */
  expireTokens(user?: string): void {
    this.tokens.expire(user);
  }
}

/** The bearer token of a request, if it has one. */
export const bearerOf = (req: IncomingMessage): string | undefined => /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
