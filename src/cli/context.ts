import type { Command } from 'commander';
import { join } from 'node:path';
import type { Deps } from '../main/deps.js';
import { bootstrapIfEmpty, FIRST_START_MARKER, firstStartNotice } from '../auth/bootstrap.js';
import { listCompanies } from '../catalog/organizations.js';
import { usersByEmail, type User } from '../catalog/users.js';
import { DomainError } from '../domain/errors.js';

/**
 * A mistake in how the command was called (a missing option, a bad value): exit code 2, so a
 * script can tell "you called me wrong" from "the work failed".
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** What every command gets: the services (built on first use), the chosen organization, the options. */
export interface CliContext {
  /** Built on first call, so `--help` and `serve` never open the database from here. */
  deps(): Promise<Deps>;
  /** The organization this command acts on: `--org`, else the first one (set up on an empty database). */
  orgId(): Promise<string>;
  /** The environment, handed over by the entry point: secrets are read from a variable the user names. */
  env: Record<string, string | undefined>;
  /** Set by `serve`: the process keeps running after the command returns. */
  keepAlive: boolean;
}

export interface GlobalOptions { json: boolean; org?: string }

export function globals(cmd: Command): GlobalOptions {
  const o = cmd.optsWithGlobals<{ json?: boolean; org?: string }>();
  return { json: !!o.json, org: o.org };
}

export interface ContextOptions {
  buildDeps(): Promise<Deps>;
  env: Record<string, string | undefined>;
  /** Where the one-time set-up message goes (stderr, so stdout stays one JSON document). */
  notice(text: string): void;
}

/**
 * The context for one CLI invocation. `--org` is read from the program once commander has parsed
 * the arguments, which is why `orgId` takes it lazily from `readOrg`.
 */
export function createContext(opts: ContextOptions, readOrg: () => string | undefined): CliContext & { close(): Promise<void> } {
  let built: Promise<Deps> | null = null;
  let org: Promise<string> | null = null;
  const deps = () => (built ??= opts.buildDeps());

  const resolveOrg = async (): Promise<string> => {
    const d = await deps();
    const wanted = readOrg();
    if (wanted) {
      const row = await d.db.selectFrom('organizations').select('id').where('id', '=', wanted).executeTakeFirst();
      if (!row) throw new DomainError('not_found', `Organization ${wanted} does not exist here; leave out --org to use the first one.`);
      return row.id;
    }
    // An operator may run the CLI before the server ever started: set up the same first
    // organization, company and API key `serve` would, and show the key once.
    const first = await bootstrapIfEmpty(d.db, { markerPath: join(d.config.dataDir, FIRST_START_MARKER), show: (f) => opts.notice(firstStartNotice(f).join('\n')) });
    if (first) return first.orgId;
    const row = await d.db.selectFrom('organizations').select('id').orderBy('created_at').orderBy('id').executeTakeFirstOrThrow();
    return row.id;
  };

  return {
    deps,
    orgId: () => (org ??= resolveOrg()),
    env: opts.env,
    keepAlive: false,
    close: async () => {
      if (!built) return;
      const d = await built.catch(() => null);
      if (!d) return;
      await drainChangeListeners(d);
      await d.close();
    },
  };
}

/**
 * The vault tells its change listener after each import without waiting for it (the listener
 * reads the destinations, then queues a sync). Closing the database under it would log a
 * failure; one more query behind it on the same connection lets it finish first.
 */
async function drainChangeListeners(d: Deps): Promise<void> {
  await new Promise((r) => setImmediate(r));
  await d.db.selectFrom('organizations').select('id').limit(1).execute().catch(() => undefined);
  await new Promise((r) => setImmediate(r));
}

/** `--company`, or the organization's only company when there is exactly one. */
export async function companyOf(ctx: CliContext, given: string | undefined): Promise<string> {
  if (given) return given;
  const companies = await listCompanies((await ctx.deps()).db, await ctx.orgId());
  if (companies.length === 1) return companies[0]!.id;
  if (companies.length === 0) throw new DomainError('not_found', 'This organization has no company yet: add one with "dossier companies add --name ...".');
  throw new UsageError(`Choose a company with --company: ${companies.map((c) => `${c.id} (${c.name})`).join(', ')}.`);
}

/** A positive whole number option, such as --limit. */
export function positiveInt(name: string, max = 100_000) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`${name} must be a whole number from 1 to ${max}, not "${value}".`);
    return n;
  };
}

/** The user with this e-mail address in the organization the command acts on. */
export async function userInOrganization(ctx: CliContext, email: string): Promise<User> {
  const [db, orgId] = [(await ctx.deps()).db, await ctx.orgId()];
  const user = (await usersByEmail(db, email)).find((u) => u.orgId === orgId);
  if (!user) throw new UsageError(`There is no user ${email} in this organization.`);
  const { passwordHash: _hidden, ...rest } = user;
  return rest;
}
