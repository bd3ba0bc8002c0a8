import type { Db } from './db.js';

const BATCH = 1_000;

/**
 * Removes webhook messages that were delivered or given up before `before` (ISO time), with
 * their attempts, a batch per transaction so that a long backlog never holds the database in
 * one long write. Pending messages stay, however old (an endpoint disabled and enabled again
 * still gets them). Answers how many messages and attempts were removed.
 */
export async function pruneWebhookMessages(db: Db, before: string): Promise<{ messages: number; attempts: number }> {
  const removed = { messages: 0, attempts: 0 };
  for (;;) {
    const seqs = (await db.selectFrom('webhook_messages').select('seq').where('state', 'in', ['delivered', 'failed'])
      .where('finished_at', '<', before).orderBy('seq').limit(BATCH).execute()).map((r) => Number(r.seq));
    if (seqs.length === 0) return removed;
    await db.transaction().execute(async (tx) => {
      // Checked again: a replay may have made one pending since it was read; its attempts stay with it.
      const gone = (await tx.deleteFrom('webhook_messages').where('seq', 'in', seqs).where('state', 'in', ['delivered', 'failed'])
        .returning('seq').execute()).map((r) => Number(r.seq));
      if (gone.length === 0) return;
      const a = await tx.deleteFrom('webhook_attempts').where('message_seq', 'in', gone).executeTakeFirst();
      removed.attempts += Number(a.numDeletedRows);
      removed.messages += gone.length;
    });
    if (seqs.length < BATCH) return removed;
  }
}
