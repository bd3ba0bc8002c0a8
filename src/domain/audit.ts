import { hash } from 'node:crypto';

/**
 * The audit log's vocabulary and its chain rule, without I/O: the same function computes an
 * entry's hash when it is appended and when the chain is verified, and docs/audit.md describes
 * it so that an auditor can recompute it with any JSON library and SHA-256.
 */
export const AUDIT_TYPES = [
  'document.version_received', // a new document, or a new version of one (new bytes or new metadata)
  'document.collected', // filed into the inbox from a client's folder
  'document.deleted', // removed by an operator's retention purge, once its period had ended
  'transfer.verified', // a destination's own hash of the file matched the version's SHA-256
  'transfer.restored', // a file deleted or altered at the destination was uploaded again
  'settings.changed', // a company, destination, channel or retention setting was created, changed or removed
  'user.signed_in',
  'user.rights_changed', // role or rights, activation and deactivation, invitations
  'api_key.created',
  'api_key.revoked',
  'retention.purged', // the operator's purge of documents past their period (one entry per run)
  'object_lock.applied', // copies' Object Locks at an S3 destination extended, held or released after a retention change (one entry per pass)
  'audit.head', // the chain's head as it was, written daily so that a truncation shows
] as const;
export type AuditType = (typeof AUDIT_TYPES)[number];

export const ACTOR_KINDS = ['user', 'api_key', 'client', 'system'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

/** Who did it: a signed-in user, an API key (its user in details), a client by invitation, or Dossier itself. */
export interface AuditActor { kind: ActorKind; id: string | null }

export const SYSTEM: AuditActor = { kind: 'system', id: null };

/** An operator at the server's command line. */
export const OPERATOR: AuditActor = { kind: 'system', id: 'cli' };

export interface AuditEvent {
  type: AuditType;
  actor: AuditActor;
  objectType?: string;
  objectId?: string;
  companyId?: string;
  details?: Record<string, unknown>;
}

/** The hash the first entry of a chain refers to as its previous one. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with every object's keys sorted, no spaces: one text for one value, whoever writes it. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** The fields an entry's hash covers, in the stored form (details as its canonical JSON text). */
export interface ChainedFields {
  orgId: string; seq: number; at: string; type: string; actorKind: string; actorId: string | null;
  objectType: string | null; objectId: string | null; companyId: string | null; details: string; prevHash: string;
}

/** Version 1 of the rule: SHA-256 (hex) of the UTF-8 JSON array of the fields in this order. */
export function entryHash(f: ChainedFields): string {
  return hashChainFields([1, f.orgId, f.seq, f.at, f.type, f.actorKind, f.actorId, f.objectType, f.objectId, f.companyId, f.details, f.prevHash]);
}

/** The same rule on the fields already in order, from the rule's version (1) to prevHash: how the verifier hashes a row as read. */
export function hashChainFields(fields: ReadonlyArray<string | number | null>): string {
  return hash('sha256', JSON.stringify(fields), 'hex');
}
