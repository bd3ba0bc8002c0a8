import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger, type Logger } from '../../src/log/log.js';
import { buildDeps, type Deps } from '../../src/main/deps.js';
import { bootstrapIfEmpty } from '../../src/auth/bootstrap.js';
import type { ConnectorDefinition } from '../../src/connectors/connector.js';
import type { NewChannelInput } from '../../src/collect/channels.js';
import type { Channel } from '../../src/catalog/channels.js';
import { freshPostgres } from './databases.js';
import { TEST_LIMITS } from './limits.js';

/**
 * A whole Dossier (temp data folder, SQLite or a fresh PostgreSQL database, the real vault and
 * reader) for collection tests: the first organization's admin is the recipient of channels.
 */
export interface CollectWorld {
  deps: Deps;
  dir: string;
  orgId: string;
  companyId: string;
  userId: string;
  apiKey: string;
  /** A fresh empty folder, for a local source. */
  folder(name: string): Promise<string>;
  channel(input: Partial<NewChannelInput> & Pick<NewChannelInput, 'kind'>): Promise<Channel>;
  close(): Promise<void>;
}

export async function startCollectWorld(opts: { postgres?: boolean; definitions?: ConnectorDefinition[]; env?: Record<string, string>; readDocuments?: boolean; log?: Logger } = {}): Promise<CollectWorld> {
  const dir = await mkdtemp(join(tmpdir(), 'dossier-collect-'));
  const pgdb = opts.postgres ? await freshPostgres() : null;
  const config = loadConfig({ DOSSIER_DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'silent', DOSSIER_DEBOUNCE_MS: '0', ...TEST_LIMITS, ...(pgdb && { DATABASE_URL: pgdb.url }), ...opts.env });
  const deps = await buildDeps({ config, log: opts.log ?? silentLogger, worker: true, definitions: opts.definitions, readDocuments: opts.readDocuments });
  const first = (await bootstrapIfEmpty(deps.db))!;
  let n = 0;
  return {
    deps, dir, orgId: first.orgId, companyId: first.companyId, userId: first.userId, apiKey: first.apiKey,
    folder: async (name) => { const p = join(dir, 'sources', name); await mkdir(p, { recursive: true }); return p; },
    channel: (input) => deps.collect.channels.create(first.orgId, first.userId, {
      companyId: first.companyId, name: `Channel ${++n}`, recipientId: first.userId, binderName: 'Purchases', collectAt: '06:00', moveCollected: false, ...input,
    }),
    close: async () => {
      await deps.close();
      await pgdb?.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A small UBL invoice that Dossier reads exactly: its number, seller and total are what the test says. */
export function ublInvoice(o: { number: string; seller?: string; vat?: string; total?: string; date?: string }): Buffer {
  const total = o.total ?? '121.00';
  return Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>
  <cbc:ID>${o.number}</cbc:ID>
  <cbc:IssueDate>${o.date ?? '2024-03-14'}</cbc:IssueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cac:AccountingSupplierParty><cac:Party>
    <cac:PartyTaxScheme><cbc:CompanyID>${o.vat ?? 'BE0123456749'}</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
    <cac:PartyLegalEntity><cbc:RegistrationName>${o.seller ?? 'Supplier NV'}</cbc:RegistrationName></cac:PartyLegalEntity>
  </cac:Party></cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party><cac:PartyLegalEntity><cbc:RegistrationName>My company</cbc:RegistrationName></cac:PartyLegalEntity></cac:Party></cac:AccountingCustomerParty>
  <cac:TaxTotal><cbc:TaxAmount currencyID="EUR">21.00</cbc:TaxAmount></cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="EUR">100.00</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount currencyID="EUR">100.00</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="EUR">${total}</cbc:TaxInclusiveAmount>
    <cbc:PayableAmount currencyID="EUR">${total}</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>
</Invoice>
`);
}
