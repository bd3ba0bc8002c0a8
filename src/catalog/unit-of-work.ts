import { AsyncLocalStorage } from 'node:async_hooks';
import {
  CompiledQuery, type DatabaseConnection, type DatabaseIntrospector, type Dialect, type DialectAdapter, type Driver,
  type Kysely, type QueryCompiler, type QueryResult, type TransactionSettings,
} from 'kysely';

/**
 * A unit of work: everything one piece of work (an API request that changes something) writes,
 * in one database transaction with the audit entry that records it, so that a crash, a failed
 * write or a failed audit append leaves neither. The code inside does not change: it keeps
 * using the plain `db`, and every query it makes (its own transactions included, which become
 * savepoints) goes to the unit's transaction, found through AsyncLocalStorage.
 *
 * The transaction begins at the unit's first write, not at its start: the reads, password
 * hashes and connection tests before it hold no lock (on SQLite, one connection serves the
 * whole process, so a transaction open during a slow step would stop every other query).
 */
interface Unit {
  closed: boolean;
  /** The unit's transaction on each database it wrote to (one, in practice). */
  open: Map<UnitDriver, UnitTransaction>;
  after: Array<() => void>;
}

interface UnitTransaction {
  driver: UnitDriver;
  conn: DatabaseConnection | null;
  opening: Promise<DatabaseConnection> | null;
  savepoints: number;
}

const units = new AsyncLocalStorage<Unit>();

/** One at a time, in order: SQLite's single connection, as Kysely itself guards it. */
class Turns {
  private tail: Promise<void> = Promise.resolve();
  async take(): Promise<() => void> {
    let release!: () => void;
    const mine = new Promise<void>((r) => { release = r; });
    const before = this.tail;
    this.tail = before.then(() => mine);
    await before;
    return release;
  }
}

const raw = (text: string) => CompiledQuery.raw(text);

/** Reads need no transaction; everything else (and raw SQL other than a select) opens the unit's. */
function isWrite(q: CompiledQuery): boolean {
  if (q.query.kind === 'SelectQueryNode') return false;
  if (q.query.kind === 'RawNode') return !/^\s*(select|pragma|explain)\b/i.test(q.sql);
  return true;
}

class UnitDriver implements Driver {
  private readonly turns: Turns | null;
  private readonly held = new WeakMap<DatabaseConnection, () => void>();

  constructor(private readonly inner: Driver, readonly opts: { singleConnection: boolean; begin: string }) {
    this.turns = opts.singleConnection ? new Turns() : null;
  }

  init(): Promise<void> { return this.inner.init(); }
  destroy(): Promise<void> { return this.inner.destroy(); }

  /** A connection of the wrapped driver, for one use; on SQLite it waits its turn. */
  async take(): Promise<DatabaseConnection> {
    const release = await this.turns?.take();
    try {
      const c = await this.inner.acquireConnection();
      if (release) this.held.set(c, release);
      return c;
    } catch (e) {
      release?.();
      throw e;
    }
  }

  async give(c: DatabaseConnection): Promise<void> {
    try { await this.inner.releaseConnection(c); } finally { this.held.get(c)?.(); this.held.delete(c); }
  }

  /** The open unit's transaction on this database in the current async context, if any (not begun yet, maybe). */
  unit(): UnitTransaction | undefined {
    const u = units.getStore();
    if (!u || u.closed) return undefined;
    let t = u.open.get(this);
    if (!t) u.open.set(this, t = { driver: this, conn: null, opening: null, savepoints: 0 });
    return t;
  }

  async acquireConnection(): Promise<DatabaseConnection> { return new UnitConnection(this); }

  async releaseConnection(c: DatabaseConnection): Promise<void> {
    const uc = c as UnitConnection;
    if (uc.own) { const own = uc.own; uc.own = null; await this.give(own); }
  }

  async beginTransaction(c: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const uc = c as UnitConnection;
    const unit = this.unit();
    if (unit) {
      // A transaction inside the unit is a savepoint of the unit's: it can still fail on its own.
      uc.joined = await openUnit(unit);
      uc.savepoint = `unit_${++unit.savepoints}`;
      await uc.joined.executeQuery(raw(`savepoint ${uc.savepoint}`));
      return;
    }
    // On the connection already held, if any (db.connection().execute(...) then a transaction in it).
    uc.own ??= await this.take();
    await this.inner.beginTransaction(uc.own, settings);
  }

  async commitTransaction(c: DatabaseConnection): Promise<void> {
    const uc = c as UnitConnection;
    if (uc.savepoint) return void await uc.joined!.executeQuery(raw(`release savepoint ${uc.savepoint}`));
    await this.inner.commitTransaction(uc.own!);
  }

  async rollbackTransaction(c: DatabaseConnection): Promise<void> {
    const uc = c as UnitConnection;
    if (uc.savepoint) {
      await uc.joined!.executeQuery(raw(`rollback to savepoint ${uc.savepoint}`));
      return void await uc.joined!.executeQuery(raw(`release savepoint ${uc.savepoint}`));
    }
    await this.inner.rollbackTransaction(uc.own!);
  }

  async savepoint(c: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.inner.savepoint!((c as UnitConnection).target(), name, compile);
  }

  async rollbackToSavepoint(c: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.inner.rollbackToSavepoint!((c as UnitConnection).target(), name, compile);
  }

  async releaseSavepoint(c: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.inner.releaseSavepoint!((c as UnitConnection).target(), name, compile);
  }
}

/**
 * What Kysely holds as a connection. Outside a unit it takes a connection of the wrapped driver
 * at its first query and keeps it until released, as Kysely's own would; inside one, a write
 * (or any query once the unit's transaction is open) goes to the unit's connection.
 */
class UnitConnection implements DatabaseConnection {
  own: DatabaseConnection | null = null;
  joined: DatabaseConnection | null = null;
  savepoint: string | null = null;

  constructor(private readonly driver: UnitDriver) {}

  target(): DatabaseConnection {
    const c = this.joined ?? this.own;
    if (!c) throw new Error('savepoint outside a transaction');
    return c;
  }

  async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    const pinned = this.joined ?? this.own;
    if (pinned) return pinned.executeQuery<R>(q);
    const unit = this.driver.unit();
    if (unit && (unit.conn || isWrite(q))) return (await openUnit(unit)).executeQuery<R>(q);
    if (unit) {
      // A read before the unit's first write: a connection for this query alone, so that the
      // write after it can take the (on SQLite, only) connection.
      const c = await this.driver.take();
      try { return await c.executeQuery<R>(q); } finally { await this.driver.give(c); }
    }
    this.own = await this.driver.take();
    return this.own.executeQuery<R>(q);
  }

  async *streamQuery<R>(q: CompiledQuery, chunkSize: number): AsyncIterableIterator<QueryResult<R>> {
    const unit = this.driver.unit();
    const c = this.joined ?? this.own ?? (unit ? await openUnit(unit) : (this.own = await this.driver.take()));
    yield* c.streamQuery<R>(q, chunkSize);
  }
}

function openUnit(unit: UnitTransaction): Promise<DatabaseConnection> {
  if (unit.conn) return Promise.resolve(unit.conn);
  unit.opening ??= (async () => {
    const c = await unit.driver.take();
    try {
      await c.executeQuery(raw(unit.driver.opts.begin));
    } catch (e) {
      await unit.driver.give(c);
      unit.opening = null;
      throw e;
    }
    unit.conn = c;
    return c;
  })();
  return unit.opening;
}

async function closeUnit(unit: UnitTransaction, commit: boolean): Promise<void> {
  const c = unit.conn ?? (unit.opening ? await unit.opening.catch(() => null) : null);
  if (!c) return;
  try {
    if (commit) {
      try {
        await c.executeQuery(raw('commit'));
      } catch (e) {
        await c.executeQuery(raw('rollback')).catch(() => undefined);
        throw e;
      }
    } else {
      await c.executeQuery(raw('rollback'));
    }
  } finally {
    await unit.driver.give(c);
  }
}

/**
 * Runs `work` as one unit of work: what it writes commits when it resolves, and is rolled back
 * when it throws (or when the commit fails). Inside a unit already, it is part of that one.
 */
export async function inOneTransaction<T>(work: () => Promise<T>): Promise<T> {
  const outer = units.getStore();
  if (outer && !outer.closed) return work();
  const unit: Unit = { closed: false, open: new Map(), after: [] };
  let result: T;
  try {
    result = await units.run(unit, work);
  } catch (e) {
    unit.closed = true;
    for (const t of unit.open.values()) await closeUnit(t, false).catch(() => undefined);
    throw e;
  }
  unit.closed = true;
  for (const t of unit.open.values()) await closeUnit(t, true);
  units.exit(() => { for (const fn of unit.after) fn(); });
  return result;
}

/** Whether the caller runs inside an open unit of work. */
export function inUnitOfWork(): boolean {
  const unit = units.getStore();
  return !!unit && !unit.closed;
}

/**
 * Runs `fn` once what the current unit of work wrote is committed (at once outside a unit; never
 * when it is rolled back), outside the unit: a job queued, a live event, a wake-up that would
 * otherwise look at the database before the change is there, or join the unit's transaction.
 */
export function afterCommit(fn: () => void): void {
  const unit = units.getStore();
  if (unit && !unit.closed) unit.after.push(fn);
  else units.exit(fn);
}

/**
 * The dialect given, with units of work. Kysely's own one-at-a-time guard for SQLite is replaced
 * by this driver's (the adapter says "several connections"), because a unit's connection must be
 * held across queries while reads outside the unit wait their turn.
 */
export function withUnitsOfWork(dialect: Dialect, opts: { singleConnection: boolean; begin: string }): Dialect {
  return {
    createDriver: () => new UnitDriver(dialect.createDriver(), opts),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createAdapter: () => Object.create(dialect.createAdapter(), { supportsMultipleConnections: { value: true } }) as DialectAdapter,
    createIntrospector: (db: Kysely<any>): DatabaseIntrospector => dialect.createIntrospector(db),
  };
}
