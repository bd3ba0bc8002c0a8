import { pruneWebhookMessages } from '../catalog/webhook-pruning.js';
import type { Db } from '../catalog/db.js';

export const DEFAULT_WEBHOOK_KEEP_DAYS = 30;

/**
 * Delivered and given-up webhook messages, with their attempts, are kept `keepMs` (30 days by
 * default, DOSSIER_WEBHOOK_KEEP_DAYS) for the delivery log and replays, then removed, so the
 * outbox does not grow with every event ever sent. Hourly in the process that runs the
 * schedulers; a second process doing the same at the same moment removes nothing twice.
 */
export class WebhookPruning {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly db: Db, private readonly keepMs: number, private readonly onError: (err: unknown) => void = () => undefined,
    private readonly tickMs = 3_600_000) {}

  start(): void {
    void this.tick().catch(this.onError);
    this.timer = setInterval(() => void this.tick().catch(this.onError), this.tickMs);
    this.timer.unref();
  }

  async tick(at: Date = new Date()): Promise<{ messages: number; attempts: number }> {
    return pruneWebhookMessages(this.db, new Date(at.getTime() - this.keepMs).toISOString());
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
