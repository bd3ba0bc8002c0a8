import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { postgresDatabase, postgresReachable, sqliteDatabase } from '../../test/helpers/databases.js';
import { createCompany, createOrganization } from './organizations.js';
import { insertDocument, listDocuments } from './documents.js';

const pgSkip = !(await postgresReachable()) ? 'PostgreSQL is not reachable (install and start postgresql)' : false;

for (const database of [sqliteDatabase, postgresDatabase]) {
  describe(`searching documents on ${database.name}`, { skip: database === postgresDatabase && pgSkip }, () => {
    it('finds by number or counterparty in any case, by amount as people type it, and treats % and _ as letters', async () => {
      const { db, drop } = await database.open();
      try {
        const orgId = await createOrganization(db, 'Firm');
        const company = await createCompany(db, orgId, { name: 'Acme', language: 'nl', timeZone: 'Europe/Brussels', vatId: 'BE0403170701' });
        const add = async (number: string, counterparty: string, amount: string) => {
          const sha256 = randomBytes(32).toString('hex');
          return (await insertDocument(db, orgId, company.id, { type: 'invoice', number, date: '2024-03-14', counterparty, amount, currency: 'EUR', businessAccount: null },
            { sha256, size: 10, filename: `${number}.pdf`, mime: 'application/pdf' })).number;
        };
        await add('F-2024-001', 'Bakkerij Peeters', '121.00');
        await add('F-2024-002', 'Client NV', '99.50');
        await add('100%_KORTING', 'Other', '5.00');
        const search = async (q: string) => (await listDocuments(db, orgId, { companyId: company.id, q, limit: 10 })).map((d) => d.number).sort();
        assert.deepEqual(await search('peeters'), ['F-2024-001']);
        assert.deepEqual(await search('f-2024'), ['F-2024-001', 'F-2024-002']);
        assert.deepEqual(await search('99,50'), ['F-2024-002']);
        assert.deepEqual(await search('121'), ['F-2024-001']);
        assert.deepEqual(await search('0%_'), ['100%_KORTING']);
        assert.deepEqual(await search('4_0'), [], '_ is a letter, not any letter');
        assert.equal((await listDocuments(db, orgId, { companyId: company.id, limit: 10 })).length, 3);
      } finally {
        await drop();
      }
    });
  });
}
