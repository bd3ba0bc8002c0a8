import type { Announce } from '../events/occurrences.js';
import { DomainError } from '../domain/errors.js';
import type { InboxStatus } from '../domain/channels.js';
import type { Db } from '../catalog/db.js';
import { getUser } from '../catalog/users.js';
import { getBinder } from '../catalog/channels.js';
import { getCompany } from '../catalog/organizations.js';
import { now } from '../catalog/db.js';
import { getInboxItem, inboxItemWithKey, listInbox, updateInboxItem, type InboxFilter, type InboxItem, type StoredField } from '../catalog/inbox.js';
import { FIELD_NAMES, INVOICE_KINDS } from '../extract/index.js';
import type { VaultService } from '../vault/service.js';
import type { DocumentMeta } from '../catalog/documents.js';
import { dedupeKey, documentMeta } from './fields.js';
import { SYSTEM, type AuditActor } from '../domain/audit.js';

export interface InboxView extends InboxItem {
  /** Where the original file is read: the vault document's content. */
  contentUrl: string;
}

export interface InboxChange {
  /** Corrected values (null clears one); each becomes certain, with the user as its source. */
  fields?: Record<string, string | null>;
  /** Confirmed fields keep their value and become certain too. */
  confirm?: string[];
  status?: InboxStatus;
  recipientId?: string;
  binderId?: string;
}

const view = (i: InboxItem): InboxView => ({ ...i, contentUrl: `/v1/documents/${i.documentId}/content` });

/** The company inbox: list, open, correct and confirm fields, reassign, move to another binder. */
export class InboxService {
  constructor(private readonly db: Db, private readonly vault: VaultService, private readonly announce?: Announce) {}

  async list(orgId: string, filter: InboxFilter): Promise<InboxView[]> {
    if (filter.companyId) await getCompany(this.db, orgId, filter.companyId);
    return (await listInbox(this.db, orgId, filter)).map(view);
  }

  async get(orgId: string, id: string): Promise<InboxView> {
    return view(await getInboxItem(this.db, orgId, id));
  }

  async change(orgId: string, userId: string | null, id: string, c: InboxChange): Promise<InboxView> {
    const item = await getInboxItem(this.db, orgId, id);
    const unknown = [...Object.keys(c.fields ?? {}), ...(c.confirm ?? [])].filter((f) => !(FIELD_NAMES as readonly string[]).includes(f));
    if (unknown.length) throw new DomainError('invalid_input', `Unknown field(s): ${unknown.join(', ')}. The fields are: ${FIELD_NAMES.join(', ')}.`, { reason: 'choice_unknown', params: { field: 'fields', values: unknown.join(', '), choices: FIELD_NAMES.join(', ') } });
    const kind = c.fields?.documentType;
    if (kind && !(INVOICE_KINDS as readonly string[]).includes(kind)) throw new DomainError('invalid_input', `documentType: "${kind}" is not a kind of document the reader knows. Use one of: ${INVOICE_KINDS.join(', ')}.`, { reason: 'choice_unknown', params: { field: 'documentType', values: kind, choices: INVOICE_KINDS.join(', ') } });
    if (c.recipientId) await getUser(this.db, orgId, c.recipientId).catch(() => { throw new DomainError('invalid_input', `The recipient ${c.recipientId} is not a user of this organization.`, { reason: 'recipient_not_user', params: { id: c.recipientId! } }); });
    if (c.binderId) {
      const binder = await getBinder(this.db, orgId, c.binderId);
      if (binder.companyId !== item.companyId) throw new DomainError('invalid_input', `Binder ${c.binderId} belongs to another company: choose one of this company's binders.`, { reason: 'binder_other_company', params: { id: c.binderId } });
    }
    const at = now();
    const by = { kind: 'user' as const, userId, at };
    const fields: Record<string, StoredField> = { ...item.fields };
    for (const [name, value] of Object.entries(c.fields ?? {})) {
      if (value === null) delete fields[name];
      else fields[name] = { value, confidence: 1, provenance: by };
    }
    for (const name of c.confirm ?? []) {
      if (!fields[name]) throw new DomainError('invalid_input', `There is no value of ${name} to confirm: give one under fields.`, { reason: 'confirm_no_value', params: { field: name } });
      fields[name] = { ...fields[name]!, confidence: 1, provenance: by };
    }
    const touched = c.fields !== undefined || c.confirm !== undefined;
    if (touched) await this.followFields(orgId, item, fields, userId ? { kind: 'user', id: userId } : SYSTEM);
    const key = touched ? dedupeKey(fields) : item.dedupeKey;
    const after = await updateInboxItem(this.db, orgId, id, {
      ...(touched && { fields, dedupeKey: key, likelyDuplicateOf: key ? await inboxItemWithKey(this.db, item.companyId, key, id) : null }),
      ...(c.status && { status: c.status, reviewedBy: c.status === 'done' ? userId : null, reviewedAt: c.status === 'done' ? at : null }),
      ...(c.recipientId && { recipientId: c.recipientId }),
      ...(c.binderId && { binderId: c.binderId }),
    });
    if (c.status === 'done' && item.status !== 'done') {
      await this.announce?.({
        type: 'inbox.item_done', orgId, subject: id,
        data: { inboxItemId: id, documentId: after.documentId, companyId: after.companyId, binderId: after.binderId, reviewedBy: userId },
      });
    }
    return view(after);
  }

  /**
   * The vault document takes the reviewed fields (number, date, counterparty, amount, currency,
   * type), so that backups file it under what the reviewer confirmed, not what was first read.
   * Only what differs is changed: one new metadata version, and the backups told once.
   */
  private async followFields(orgId: string, item: InboxItem, fields: Record<string, StoredField>, actor: AuditActor): Promise<void> {
    const doc = await this.vault.get(orgId, item.documentId);
    const company = await getCompany(this.db, orgId, item.companyId);
    const meta = documentMeta(fields, company.name, doc.date);
    const changed: Partial<DocumentMeta> = {};
    for (const k of ['type', 'number', 'date', 'counterparty', 'amount', 'currency'] as const) if (meta[k] !== doc[k]) Object.assign(changed, { [k]: meta[k] });
    if (Object.keys(changed).length > 0) await this.vault.update(orgId, item.documentId, changed, undefined, actor);
  }
}
