import type { Announce } from '../events/occurrences.js';

/**
 * The occurrences backup announces (webhooks, alerts), in one place so every path that changes
 * a destination's state says it the same way.
 */
export interface DestinationFacts { id: string; name: string; companyId: string }

export function destinationNeedsAttention(announce: Announce | undefined, orgId: string, d: DestinationFacts, reason: string): Promise<void> {
  return announce?.({ type: 'destination.needs_attention', orgId, subject: d.id, data: { destinationId: d.id, name: d.name, companyId: d.companyId, reason } }) ?? Promise.resolve();
}

export function destinationRecovered(announce: Announce | undefined, orgId: string, d: DestinationFacts): Promise<void> {
  return announce?.({ type: 'destination.recovered', orgId, subject: d.id, data: { destinationId: d.id, name: d.name, companyId: d.companyId } }) ?? Promise.resolve();
}

/** One event per document verified on the destination, in the order the ledger recorded them, announced as one batch. */
export async function documentsBackedUp(
  announce: Announce | undefined, orgId: string, destinationId: string,
  synced: ReadonlyArray<{ documentId: string; versionId: string; remotePath: string; sha256: string }>,
): Promise<void> {
  if (!announce || synced.length === 0) return;
  await announce(synced.map((s) => ({
    type: 'document.backed_up' as const, orgId, subject: s.documentId,
    data: { documentId: s.documentId, versionId: s.versionId, destinationId, remotePath: s.remotePath, sha256: s.sha256 },
  })));
}
