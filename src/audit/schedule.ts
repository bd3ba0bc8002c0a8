import type { Db } from '../catalog/db.js';
import { lastEntryOfType, organizationsWithAudit } from '../catalog/audit.js';
import { SYSTEM } from '../domain/audit.js';
import { auditHead, recordAudit } from './log.js';

export interface WrittenHead { orgId: string; seq: number; hash: string; at: string }

/**
 * Once a day (UTC) per organization, the chain's head as it stands is written into the chain
 * itself, as an `audit.head` entry: rows deleted from the end later leave a head entry that
 * names an entry no longer there, and a copy of the head kept elsewhere (`onHead`, for a
 * webhook or a mail) names one the database no longer has. A second process writing the
 * same day's head at the same moment adds one entry more, nothing worse.
 */
export class AuditHeadScheduler {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly db: Db, private readonly onHead: (head: WrittenHead) => Promise<void> = async () => undefined,
    private readonly onError: (err: unknown) => void = () => undefined, private readonly tickMs = 3_600_000) {}

  start(): void {
    void this.tick().catch(this.onError);
    this.timer = setInterval(() => void this.tick().catch(this.onError), this.tickMs);
    this.timer.unref();
  }

  /** Writes today's head for every organization that has none yet; answers those written. */
  async tick(at: Date = new Date()): Promise<WrittenHead[]> {
    const today = at.toISOString().slice(0, 10);
    const written: WrittenHead[] = [];
    for (const orgId of await organizationsWithAudit(this.db)) {
      const last = await lastEntryOfType(this.db, orgId, 'audit.head');
      if (last && last.at.slice(0, 10) >= today) continue;
      const head = await auditHead(this.db, orgId);
      await recordAudit(this.db, orgId, { type: 'audit.head', actor: SYSTEM, details: { seq: head.seq, hash: head.hash } });
      const after = await auditHead(this.db, orgId);
      written.push(after);
      await this.onHead(after);
    }
    return written;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
