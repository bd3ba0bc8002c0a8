import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { PgBoss } from 'pg-boss';
import type { JobQueue } from './queue.js';
import { afterCommit, inUnitOfWork } from '../catalog/unit-of-work.js';

export interface PgBossQueueOptions {
  connectionString: string;
  /** The PostgreSQL schema pg-boss keeps its tables in (created on first start). */
  schema: string;
  log: Logger;
  /** Attempts per job and the first retry's wait, as for the in-process queue. */
  retry?: { attempts: number; baseMs: number };
  /**
   * How long a job may run without its worker's heartbeat before another worker takes it over:
   * a killed worker's jobs are picked up again after this (pg-boss's minimum is 10 s).
   */
  heartbeatSeconds?: number;
  /** How often pg-boss looks for lapsed heartbeats and expired jobs. */
  superviseSeconds?: number;
}

/**
 * The JobQueue on PostgreSQL, for many processes: pg-boss keeps the jobs in the database, so any
 * worker process takes any job and a killed worker's jobs are taken over by another.
 *
 * The port's singleton rule maps onto pg-boss's "stately" policy: one job per key and state, so a
 * job waiting under a key absorbs a new one (pg-boss returns null), and a job running under it can
 * have exactly one waiting behind it, which starts only when the running one ends. Jobs without a
 * key get one of their own, so none absorbs another.
 */
export class PgBossQueue implements JobQueue {
  private readonly boss: PgBoss;
  private readonly queues = new Map<string, Promise<void>>();
  private readonly workers: Array<{ name: string; fn: (data: any) => Promise<void>; concurrency: number }> = [];
  private starting: Promise<void> | null = null;
  private stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly opts: PgBossQueueOptions) {
    this.boss = new PgBoss({
      connectionString: opts.connectionString,
      schema: opts.schema,
      max: 4,
      // Workers are woken by NOTIFY when a job is created; polling is only the backstop, so an
      // idle worker costs a statement per queue and concurrency slot every 30 s.
      useListenNotify: true,
      // Supervision (a dozen statements a pass) is what takes a killed worker's job over, so it
      // runs once per heartbeat: the job is taken over between one and two heartbeats after the
      // kill. More often would only cost an idle database more.
      superviseIntervalSeconds: opts.superviseSeconds ?? opts.heartbeatSeconds ?? 30,
      monitorIntervalSeconds: opts.superviseSeconds ?? opts.heartbeatSeconds ?? 30,
      // Dossier uses neither pg-boss's cron schedules (its schedulers run under an advisory lock,
      // src/main/leader.ts) nor flows (jobs waiting for others): their pollers, every 5 s by
      // default, would only cost statements. The flow resolver cannot be turned off alone, so it
      // looks once a day, for nothing.
      schedule: false,
      flowIntervalSeconds: 86_400,
      instanceName: 'dossier',
    });
    this.boss.on('error', (err) => opts.log.error({ err }, 'the PostgreSQL job queue reported an error'));
  }

  /** Installs or upgrades pg-boss's schema and starts the registered workers. Called by send and work. */
  start(): Promise<void> {
    this.starting ??= (async () => {
      await this.boss.start();
    })();
    return this.starting;
  }

  private queue(name: string): Promise<void> {
    let created = this.queues.get(name);
    if (!created) {
      created = (async () => {
        await this.start();
        const options = {
          notify: true,
          // Taken over after a worker died mid-job; the handler's own failures are retried in run().
          retryLimit: 3, retryDelay: 0,
          heartbeatSeconds: this.opts.heartbeatSeconds ?? 30,
          // A job is a reminder to look, not a record: finished ones are not kept for long.
          deleteAfterSeconds: 3600,
        } as const;
        // Several processes start at once: whichever creates the queue, the others update it.
        if (await this.boss.getQueue(name)) await this.boss.updateQueue(name, options);
        else await this.boss.createQueue(name, { ...options, policy: 'stately' }).catch(async (err) => { if (!(await this.boss.getQueue(name))) throw err; });
      })();
      created.catch(() => this.queues.delete(name));
      this.queues.set(name, created);
    }
    return created;
  }

  /**
   * Sent inside a unit of work (an API change), the job is sent once the change is committed, so
   * that no worker takes it before the change is there to see; a failure then is logged.
   */
  async send(name: string, data: unknown, opts: { singletonKey?: string; delayMs?: number } = {}): Promise<void> {
    if (!inUnitOfWork()) return this.sendNow(name, data, opts);
    afterCommit(() => void this.sendNow(name, data, opts).catch((err) => this.opts.log.error({ err, job: name }, 'could not queue a job after its change was committed')));
  }

  private async sendNow(name: string, data: unknown, opts: { singletonKey?: string; delayMs?: number }): Promise<void> {
    if (this.stopped) return;
    await this.queue(name);
    await this.boss.send(name, (data ?? {}) as object, {
      singletonKey: opts.singletonKey ?? randomUUID(),
      ...(opts.delayMs && opts.delayMs > 0 && { startAfter: new Date(Date.now() + opts.delayMs) }),
    });
    if (opts.delayMs && opts.delayMs > 0) {
      const timer = setTimeout(() => { this.timers.delete(timer); void this.wake(name); }, opts.delayMs + 20);
      timer.unref();
      this.timers.add(timer);
    }
  }

  work(name: string, fn: (data: any) => Promise<void>, opts: { concurrency?: number } = {}): void {
    const worker = { name, fn, concurrency: opts.concurrency ?? 1 };
    this.workers.push(worker);
    void this.startWorker(worker).catch((err) => this.opts.log.error({ err, job: name }, 'could not start the job worker'));
  }

  private async startWorker(w: { name: string; fn: (data: any) => Promise<void>; concurrency: number }): Promise<void> {
    await this.queue(w.name);
    if (this.stopped) return;
    await this.boss.work<unknown>(w.name, { localConcurrency: w.concurrency, batchSize: 1, notifyPollingIntervalSeconds: 30 }, async ([job]) => {
      if (!job) return;
      await this.run(w, job.data, 1);
      // Settled here rather than by pg-boss after the handler returns, so that the job that waited
      // behind this one under its key can be woken now instead of at the next poll.
      await this.boss.complete(w.name, job.id);
      await this.wake(w.name);
    });
  }

  /**
   * Failures are retried here, in the worker that holds the job, with the in-process queue's
   * backoff: pg-boss's own retries are left for jobs whose worker died (their heartbeat lapses).
   */
  private async run(w: { name: string; fn: (data: any) => Promise<void> }, data: unknown, attempt: number): Promise<void> {
    const retry = this.opts.retry ?? { attempts: 5, baseMs: 1000 };
    try {
      await w.fn(data);
    } catch (err) {
      if (attempt >= retry.attempts || this.stopped) {
        this.opts.log.error({ err, job: w.name }, 'job failed for good; the next trigger will look again');
        return;
      }
      const delay = retry.baseMs * 2 ** (attempt - 1) * (0.5 + Math.random());
      this.opts.log.warn({ err, job: w.name, attempt, delay }, 'job failed, retrying');
      await new Promise((r) => setTimeout(r, delay));
      if (!this.stopped) await this.run(w, data, attempt + 1);
    }
  }

  /**
   * Wakes the workers of a queue in every process, on pg-boss's own channel. pg-boss notifies
   * only when a job is created ready to run; a delayed job and one that waited behind a running
   * one would otherwise wait for the 30 s poll.
   */
  private async wake(name: string): Promise<void> {
    if (this.stopped) return;
    // The channel name pg-boss derives from its schema (plans.notifyChannelSql in pg-boss 12).
    await this.boss.getDb().executeSql(
      `SELECT pg_notify('pgboss_' || left(encode(sha224($1::bytea), 'hex'), 24), $2)`, [this.opts.schema, name],
    ).catch((err: unknown) => this.opts.log.warn({ err, job: name }, 'could not wake the job workers; they find the job at their next poll'));
  }

  /** Resolves when no job of any process is queued, delayed, waiting for a retry or running. */
  async idle(): Promise<void> {
    await this.start();
    for (;;) {
      await Promise.all(this.queues.values());
      const { rows } = await this.boss.getDb().executeSql(
        `SELECT count(*)::int AS n FROM ${this.opts.schema}.job WHERE state IN ('created', 'retry', 'active')`, []);
      if ((rows[0] as { n: number }).n === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    if (!this.starting) return;
    await this.starting.catch(() => undefined);
    // Jobs in flight finish (their transfers are resumable anyway); queued ones stay for other workers.
    await this.boss.stop({ graceful: true, timeout: 30_000 });
  }
}
