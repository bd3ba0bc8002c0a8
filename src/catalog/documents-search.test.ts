import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { postgresDatabase, postgresReachable, sqliteDatabase } from '../../test/helpers/databases.js';
import { createCompany, createOrganization } from './organizations.js';
import { insertDocument } from './documents.js';
import { listDocuments, saveDocumentTexts, type DocumentFilter } from './document-list.js';
import { createOAuthConnection } from './connections.js';
import { insertDestination } from './destinations.js';
import { markFailed, markSyncedMany, recordIntents } from './deliveries.js';
import { deleteDocumentIn } from './retention.js';
import type { Db } from './db.js';

const pgSkip = !(await postgresReachable()) ? 'PostgreSQL is not reachable (install and start postgresql)' : false;

async function firm(db: Db) {
  const orgId = await createOrganization(db, 'Firm');
  const company = await createCompany(db, orgId, { name: 'Acme', language: 'nl', timeZone: 'Europe/Brussels', vatId: 'BE0403170701' });
  const add = async (number: string | null, counterparty: string | null, amount: string | null, date = '2024-03-14') => {
    const sha256 = randomBytes(32).toString('hex');
    return insertDocument(db, orgId, company.id, { type: 'invoice', number, date, counterparty, amount, currency: amount ? 'EUR' : null, businessAccount: null },
      { sha256, size: 10, filename: `${number ?? 'none'}.pdf`, mime: 'application/pdf' });
  };
  /** Every page of a listing, followed through `next`, as the numbers of its documents. */
  const all = async (f: Omit<DocumentFilter, 'limit'>, limit = 2) => {
    const out: Array<string | null> = [];
    let after: string | undefined;
    for (let pages = 0; pages < 50; pages++) {
      const page = await listDocuments(db, orgId, { companyId: company.id, ...f, limit, after });
      out.push(...page.items.map((d) => d.number));
      if (!page.next) return out;
      after = page.next;
    }
    throw new Error('the pages never end');
  };
  return { orgId, company, add, all };
}

for (const database of [sqliteDatabase, postgresDatabase]) {
  describe(`listing documents on ${database.name}`, { skip: database === postgresDatabase && pgSkip }, () => {
    it('finds by number or counterparty in any case, by amount as people type it, and treats % and _ as letters', async () => {
      const { db, drop } = await database.open();
      try {
        const { add, all } = await firm(db);
        await add('F-2024-001', 'Bakkerij Peeters', '121.00');
        await add('F-2024-002', 'Client NV', '99.50');
        await add('100%_KORTING', 'Other', '5.00');
        const search = async (q: string) => (await all({ q }, 10)).sort();
        assert.deepEqual(await search('peeters'), ['F-2024-001']);
        assert.deepEqual(await search('f-2024'), ['F-2024-001', 'F-2024-002']);
        assert.deepEqual(await search('99,50'), ['F-2024-002']);
        assert.deepEqual(await search('121'), ['F-2024-001']);
        assert.deepEqual(await search('0%_'), ['100%_KORTING']);
        assert.deepEqual(await search('4_0'), [], '_ is a letter, not any letter');
        assert.equal((await all({}, 10)).length, 3);
      } finally {
        await drop();
      }
    });

    it('finds by the words of the extracted text, each word as the start of one, only in this organization, and forgets a deleted document\'s text', async () => {
      const { db, drop } = await database.open();
      try {
        const { orgId, add, all } = await firm(db);
        const office = await add('A-1', 'Supplier', '10.00');
        const coffee = await add('A-2', 'Supplier', '20.00');
        await add('A-3', 'Supplier', '30.00');
        await saveDocumentTexts(db, orgId, [
          { documentId: office.id, text: 'Factuur\nKantoorbenodigdheden: 12 balpennen, 3 ordners. Leveringsadres Gent.' },
          { documentId: coffee.id, text: 'Rechnung: Kaffeebohnen 2 kg, geliefert nach Gent (Café Zoë).' },
        ]);
        const search = async (q: string) => (await all({ q }, 10)).sort();
        assert.deepEqual(await search('balpennen'), ['A-1']);
        assert.deepEqual(await search('KANTOOR'), ['A-1'], 'any case, and a word\'s start');
        assert.deepEqual(await search('gent'), ['A-1', 'A-2']);
        assert.deepEqual(await search('gent kaffee'), ['A-2'], 'every word must be there');
        assert.deepEqual(await search('zoë'), ['A-2'], 'letters beyond ASCII');
        assert.deepEqual(await search('pennen'), [], 'a word is matched from its start');
        assert.deepEqual(await search('"gent" OR *'), ['A-1'], 'OR is a word (ordners), not an operator, and quotes and * are no syntax');

        const other = await firm(db);
        const theirs = await other.add('B-1', 'Supplier', '10.00');
        await saveDocumentTexts(db, other.orgId, [{ documentId: theirs.id, text: 'balpennen' }]);
        assert.deepEqual(await search('balpennen'), ['A-1'], 'another organization\'s text is not searched');

        await db.transaction().execute((trx) => deleteDocumentIn(trx, orgId, office.id));
        const left = await db.selectFrom('document_texts').select('document_id').execute();
        assert.deepEqual(left.map((r) => r.document_id).sort(), [coffee.id, theirs.id].sort());
      } finally {
        await drop();
      }
    });

    it('sorts by date, amount, number and counterparty both ways, the documents without one last, and every page follows on', async () => {
      const { db, drop } = await database.open();
      try {
        const { add, all } = await firm(db);
        await add('n-3', 'bravo', '1000.00', '2024-01-03');
        await add('N-1', 'Alpha', '9.99', '2024-01-01');
        await add(null, null, null, '2024-01-05');
        await add('n-2', 'charlie', '100.00', '2024-01-02');
        await add('N-4', null, '-5.00', '2024-01-04');
        assert.deepEqual(await all({ sort: 'date' }), ['N-1', 'n-2', 'n-3', 'N-4', null]);
        assert.deepEqual(await all({ sort: 'date', order: 'desc' }), [null, 'N-4', 'n-3', 'n-2', 'N-1']);
        // As numbers, not as text ("1000.00" < "9.99" as text).
        assert.deepEqual(await all({ sort: 'amount' }), ['N-4', 'N-1', 'n-2', 'n-3', null]);
        assert.deepEqual(await all({ sort: 'amount', order: 'desc' }), ['n-3', 'n-2', 'N-1', 'N-4', null]);
        assert.deepEqual(await all({ sort: 'number' }), ['N-1', 'n-2', 'n-3', 'N-4', null], 'any case');
        assert.deepEqual(await all({ sort: 'number', order: 'desc' }, 1), ['N-4', 'n-3', 'n-2', 'N-1', null]);
        const byName = await all({ sort: 'counterparty' }, 10);
        assert.deepEqual(byName.slice(0, 3), ['N-1', 'n-3', 'n-2']);
        assert.deepEqual(byName.slice(3).sort(), ['N-4', null].sort(), 'the two without a counterparty come last');
        assert.deepEqual(await all({ sort: 'counterparty' }, 1), byName, 'pages of one give the same order');
        assert.deepEqual(await all({ sort: 'amount', q: 'n-' }, 1), ['N-4', 'N-1', 'n-2', 'n-3'], 'a search keeps its sort over pages');
      } finally {
        await drop();
      }
    });

    it('filters by where the documents stand with the backups that are to hold them', async () => {
      const { db, drop } = await database.open();
      try {
        const { orgId, company, add, all } = await firm(db);
        const old = await add('OLD', 'x', null, '2020-01-01');
        const done = await add('DONE', 'x', null, '2024-02-01');
        const half = await add('HALF', 'x', null, '2024-02-02');
        const bad = await add('BAD', 'x', null, '2024-02-03');
        const none = await add('NONE', 'x', null, '2024-02-04');
        assert.deepEqual(await all({ backup: 'synced' }, 10), [], 'without a backup, nothing is backed up');
        const connectionId = await createOAuthConnection(db, orgId, { kind: 'local', label: 'NAS', settings: {}, secrets: '', createdBy: 'system' });
        const dst = (name: string, startDate: string | null) => insertDestination(db, orgId, {
          companyId: company.id, name, kind: 'local', connectionId, layout: '{file}', startDate, schedule: 'continuous', restoreDeleted: true, respectFolderDeletions: false,
        });
        const a = await dst('A', null), b = await dst('B', '2024-01-01');
        const sync = async (destinationId: string, doc: typeof done) => {
          await recordIntents(db, orgId, destinationId, [{ documentId: doc.id, path: doc.id }]);
          await markSyncedMany(db, orgId, destinationId, [{ documentId: doc.id, versionId: doc.currentVersionId, remotePath: doc.id, remoteId: null, sha256: 'x', size: 1 }]);
        };
        await sync(a.id, old); // B starts later: A alone is to hold it
        await sync(a.id, done); await sync(b.id, done);
        await sync(a.id, half);
        await sync(a.id, bad); await recordIntents(db, orgId, b.id, [{ documentId: bad.id, path: 'bad' }]); await markFailed(db, b.id, bad.id, 'disk full');
        assert.deepEqual((await all({ backup: 'synced', sort: 'date' }, 10)), ['OLD', 'DONE']);
        assert.deepEqual((await all({ backup: 'failed' }, 10)), ['BAD']);
        assert.deepEqual((await all({ backup: 'pending', sort: 'date' }, 10)), ['HALF', 'NONE']);
        assert.equal(none.number, 'NONE');
      } finally {
        await drop();
      }
    });
  });
}
