import { DomainError } from '../domain/errors.js';
import { MAX_RETENTION_YEARS, PRESET_IDS, RETENTION_PRESETS, retainedUntil, type RetentionPolicy, type RetentionPreset } from '../domain/retention.js';
import type { AuditActor } from '../domain/audit.js';
import type { Db } from '../catalog/db.js';
import { getCompany } from '../catalog/organizations.js';
import { getDocument } from '../catalog/documents.js';
import { deleteDocumentIn, documentsDatedBefore, retentionPolicy, saveRetentionPolicyIn, setDocumentHoldIn } from '../catalog/retention.js';
import { recordAudit } from '../audit/log.js';
import { markLocksDueIn } from '../catalog/object-locks.js';
import { inOneTransaction } from '../catalog/unit-of-work.js';

/** Where copies' Object Locks are brought in step after a change (backup/object-lock.ts): it queues the passes of the destinations marked. */
export interface LockPasses { request(orgId: string, destinationIds: string[]): Promise<void> }

export interface PolicyChange { preset?: RetentionPreset; years?: number; legalHold?: boolean; holdReason?: string | null }

export interface PurgeResult { companyId: string; before: string; dryRun: boolean; deleted: string[]; kept: { retained: number; held: number } }

const today = () => new Date().toISOString().slice(0, 10);

/**
 * Retention: nothing inside its period or under a legal hold is deleted, by any path. Every
 * deletion of a document goes through here (the API's DELETE, the CLI, the operator's purge),
 * is checked in the same transaction that deletes, and is written to the audit log there.
 */
export class RetentionService {
  /** `locks`: where copies' Object Locks are brought in step after a change (none: no destination locks). */
  constructor(private readonly db: Db, private readonly locks?: LockPasses) {}

  async policy(orgId: string, companyId: string): Promise<RetentionPolicy> {
    await getCompany(this.db, orgId, companyId);
    return retentionPolicy(this.db, orgId, companyId);
  }

  async setPolicy(orgId: string, companyId: string, change: PolicyChange, actor: AuditActor): Promise<RetentionPolicy> {
    const current = await this.policy(orgId, companyId);
    if (change.preset && change.years !== undefined && change.years !== RETENTION_PRESETS[change.preset].years) {
      throw new DomainError('invalid_input', `Give a preset or a number of years, not both: ${change.preset} keeps documents ${RETENTION_PRESETS[change.preset].years} years.`, { reason: 'retention_preset_and_years', params: { preset: change.preset, years: RETENTION_PRESETS[change.preset].years } });
    }
    if (change.preset && !PRESET_IDS.includes(change.preset)) throw new DomainError('invalid_input', `The retention preset must be one of ${PRESET_IDS.join(', ')}.`, { reason: 'choice_unknown', params: { field: 'preset', values: change.preset, choices: PRESET_IDS.join(', ') } });
    if (change.years !== undefined && (!Number.isInteger(change.years) || change.years < 1 || change.years > MAX_RETENTION_YEARS)) {
      throw new DomainError('invalid_input', `The retention period must be a whole number of years from 1 to ${MAX_RETENTION_YEARS}.`, { reason: 'retention_years_range', params: { max: MAX_RETENTION_YEARS } });
    }
    const next: RetentionPolicy = {
      companyId,
      preset: change.preset ?? (change.years !== undefined ? null : current.preset),
      years: change.preset ? RETENTION_PRESETS[change.preset].years : change.years ?? current.years,
      legalHold: change.legalHold ?? current.legalHold,
      holdReason: change.legalHold === false ? null : change.holdReason !== undefined ? change.holdReason : current.holdReason,
    };
    // A longer period or a hold set or lifted reaches the copies already locked; a shorter period
    // cannot (a lock is never shortened). The mark commits with the change, so a restart keeps it.
    const locksChange = next.years > current.years || next.legalHold !== current.legalHold;
    const marked = await this.db.transaction().execute(async (trx) => {
      await saveRetentionPolicyIn(trx, orgId, next);
      await recordAudit(trx, orgId, { type: 'settings.changed', actor, objectType: 'retention', objectId: companyId, companyId, details: { before: { ...current }, after: { ...next } } });
      return locksChange ? markLocksDueIn(trx, orgId, companyId) : [];
    });
    await this.locks?.request(orgId, marked);
    return next;
  }

  async setDocumentHold(orgId: string, documentId: string, hold: boolean, actor: AuditActor): Promise<void> {
    const doc = await getDocument(this.db, orgId, documentId);
    const marked = await this.db.transaction().execute(async (trx) => {
      await setDocumentHoldIn(trx, orgId, documentId, hold);
      await recordAudit(trx, orgId, { type: 'settings.changed', actor, objectType: 'document', objectId: documentId, companyId: doc.companyId, details: { legalHold: hold } });
      return markLocksDueIn(trx, orgId, doc.companyId);
    });
    await this.locks?.request(orgId, marked);
  }

  /** Deletes one document whose period is over and that no hold keeps; else says why not. */
  async deleteDocument(orgId: string, documentId: string, actor: AuditActor, at = today()): Promise<void> {
    const doc = await getDocument(this.db, orgId, documentId);
    const policy = await retentionPolicy(this.db, orgId, doc.companyId);
    const held = await this.db.selectFrom('documents').select('legal_hold').where('id', '=', documentId).executeTakeFirstOrThrow();
    const until = retainedUntil(doc.date, doc.createdAt, policy.years);
    if (policy.legalHold) throw new DomainError('legal_hold', `The company is under a legal hold${policy.holdReason ? ` (${policy.holdReason})` : ''}: none of its documents can be deleted until the hold is lifted.`, { reason: 'legal_hold_company' });
    if (held.legal_hold === 1) throw new DomainError('legal_hold', `Document ${documentId} is under a legal hold: it cannot be deleted until the hold is lifted.`, { reason: 'legal_hold_document' });
    if (until > at) {
      throw new DomainError('retention_period', `Document ${documentId} must be kept until ${until} (${policy.years} years from the end of its year): it cannot be deleted before then.`, { reason: 'retention_period', params: { until, years: policy.years } });
    }
    await this.db.transaction().execute(async (trx) => {
      await deleteDocumentIn(trx, orgId, documentId);
      await recordAudit(trx, orgId, { type: 'document.deleted', actor, objectType: 'document', objectId: documentId, companyId: doc.companyId,
        details: { number: doc.number, date: doc.date, type: doc.type, versions: doc.versionCount, retainedUntil: until, years: policy.years } });
    });
  }

  /**
   * The operator's action at the end of the period: every document of the company dated before
   * `before` whose period is over and that no hold keeps is deleted (with `dryRun`, only listed).
   * One `retention.purged` entry says what was asked and how many went; each deletion has its own.
   * All of it is one transaction: the deletions and their entries commit together, or none does.
   */
  async purge(orgId: string, companyId: string, before: string, actor: AuditActor, opts: { dryRun?: boolean; at?: string } = {}): Promise<PurgeResult> {
    const at = opts.at ?? today();
    const policy = await this.policy(orgId, companyId);
    const result: PurgeResult = { companyId, before, dryRun: !!opts.dryRun, deleted: [], kept: { retained: 0, held: 0 } };
    if (policy.legalHold) throw new DomainError('legal_hold', `The company is under a legal hold${policy.holdReason ? ` (${policy.holdReason})` : ''}: nothing is purged until the hold is lifted.`, { reason: 'legal_hold_company' });
    await inOneTransaction(async () => {
      for (const d of await documentsDatedBefore(this.db, orgId, companyId, before)) {
        if (d.legal_hold === 1) { result.kept.held++; continue; }
        if (retainedUntil(d.date, d.created_at, policy.years) > at) { result.kept.retained++; continue; }
        if (!opts.dryRun) await this.deleteDocument(orgId, d.id, actor, at);
        result.deleted.push(d.id);
      }
      if (!opts.dryRun) {
        await recordAudit(this.db, orgId, { type: 'retention.purged', actor, objectType: 'company', objectId: companyId, companyId,
          details: { before, years: policy.years, deleted: result.deleted.length, keptRetained: result.kept.retained, keptHeld: result.kept.held } });
      }
    });
    return result;
  }
}
