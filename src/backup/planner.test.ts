import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LAYOUT_PRESETS } from '../domain/layout.js';
import { plan, planDocument, type Candidate, type LedgerEntry, type PlanContext } from './planner.js';

const rules = { set: 'windows' as const, caseInsensitive: true, maxComponentBytes: 255 };
const ctx = (over: Partial<PlanContext> = {}): PlanContext => ({
  template: LAYOUT_PRESETS['company-year-type'], company: { name: 'Acme BV', language: 'nl' }, rules,
  startDate: null, canMove: true, taken: new Map(), ...over,
});
const doc = (over: Partial<Candidate> = {}): Candidate => ({
  id: 'doc_a', type: 'invoice', number: 'F2024-001', date: '2024-03-14', counterparty: 'Client NV', businessAccount: null,
  filename: 'f.pdf', versionId: 'ver_1', sha256: 'h1', size: 10, ...over,
});
const synced = (over: Partial<LedgerEntry> = {}): LedgerEntry => ({
  versionId: 'ver_1', remotePath: 'Acme BV/2024/Verkoopfacturen/2024-03-14 F2024-001 Client NV.pdf', intentPath: null, state: 'synced', ...over,
});

describe('backup planner', () => {
  const table: Array<[string, Candidate, LedgerEntry | undefined, Partial<PlanContext>, Record<string, unknown>]> = [
    ['a new document is uploaded to its layout path', doc(), undefined, {},
      { op: 'upload', reason: 'new', path: 'Acme BV/2024/Verkoopfacturen/2024-03-14 F2024-001 Client NV.pdf', previousPath: null }],
    ['an up-to-date document is skipped', doc(), synced(), {}, { op: 'skip', reason: 'up_to_date' }],
    ['a document before the start date is skipped', doc(), undefined, { startDate: '2024-04-01' }, { op: 'skip', reason: 'before_start_date' }],
    ['a document on the start date is sent', doc(), undefined, { startDate: '2024-03-14' }, { op: 'upload', reason: 'new' }],
    ['a new version overwrites in place', doc({ versionId: 'ver_2' }), synced(), {}, { op: 'upload', reason: 'new_version', previousPath: null }],
    ['a renumbered document is moved, not copied', doc({ number: 'F2024-009' }), synced(), {},
      { op: 'move', from: 'Acme BV/2024/Verkoopfacturen/2024-03-14 F2024-001 Client NV.pdf', path: 'Acme BV/2024/Verkoopfacturen/2024-03-14 F2024-009 Client NV.pdf' }],
    ['without server-side move, a renumbered document is uploaded and the old one removed', doc({ number: 'F2024-009' }), synced(), { canMove: false },
      { op: 'upload', previousPath: 'Acme BV/2024/Verkoopfacturen/2024-03-14 F2024-001 Client NV.pdf' }],
    ['a new version with a new number uploads to the new path and removes the old', doc({ number: 'X', versionId: 'ver_2' }), synced(), {},
      { op: 'upload', reason: 'new_version', path: 'Acme BV/2024/Verkoopfacturen/2024-03-14 X Client NV.pdf', previousPath: 'Acme BV/2024/Verkoopfacturen/2024-03-14 F2024-001 Client NV.pdf' }],
    ['a file verify found missing is restored', doc(), synced({ state: 'pending' }), {}, { op: 'upload', reason: 'restore' }],
    ['a failed delivery is retried', doc(), { versionId: null, remotePath: null, intentPath: null, state: 'failed' }, {}, { op: 'upload', reason: 'retry' }],
    ['an interrupted upload to an old path cleans up that path', doc(), { versionId: null, remotePath: null, intentPath: 'old/x.pdf', state: 'pending' }, {},
      { op: 'upload', staleIntent: 'old/x.pdf' }],
    ['an interrupted upload to the same path reuses it', doc(), { versionId: null, remotePath: null, intentPath: 'Acme BV/2024/Verkoopfacturen/2024-03-14 F2024-001 Client NV.pdf', state: 'pending' }, {},
      { op: 'upload', staleIntent: null }],
    ['a deleted folder that is respected is not sent again', doc(), synced({ remotePath: null }), {}, { op: 'skip', reason: 'folder_deleted' }],
    ['forbidden characters are replaced for the provider', doc({ number: 'A/B:C' }), undefined, {},
      { path: 'Acme BV/2024/Verkoopfacturen/2024-03-14 A／B：C Client NV.pdf' }],
  ];
  for (const [name, d, ledger, over, expected] of table) {
    it(name, () => {
      const action = planDocument(d, ledger, ctx(over)) as unknown as Record<string, unknown>;
      for (const [k, v] of Object.entries(expected)) assert.deepEqual(action[k], v, `${k} of ${JSON.stringify(action)}`);
    });
  }

  it('never puts two documents on one path, case-insensitively where the provider is', () => {
    const a = doc({ id: 'doc_a', counterparty: 'client nv' });
    const b = doc({ id: 'doc_b', counterparty: 'CLIENT NV' });
    const c = doc({ id: 'doc_c', counterparty: 'Client NV' });
    const actions = plan([a, b, c], new Map(), ctx());
    const paths = actions.map((x) => ('path' in x ? x.path : ''));
    assert.deepEqual(paths.map((p) => p.split('/').pop()), [
      '2024-03-14 F2024-001 client nv.pdf', '2024-03-14 F2024-001 CLIENT NV (2).pdf', '2024-03-14 F2024-001 Client NV (3).pdf',
    ]);
  });

  it('keeps a document on the suffixed name it already has', () => {
    const taken = new Map([['acme bv/2024/verkoopfacturen/2024-03-14 f2024-001 client nv.pdf', 'doc_other']]);
    const mine = 'Acme BV/2024/Verkoopfacturen/2024-03-14 F2024-001 Client NV (2).pdf';
    taken.set(mine.toLowerCase(), 'doc_a');
    const action = planDocument(doc(), synced({ remotePath: mine }), ctx({ taken }));
    assert.deepEqual(action, { op: 'skip', documentId: 'doc_a', reason: 'up_to_date' });
  });

  it('uses the company language and the chosen layout', () => {
    const action = planDocument(doc({ type: 'purchase_invoice', date: '2025-11-02' }), undefined,
      ctx({ template: LAYOUT_PRESETS['company-type-year'], company: { name: 'Café Zoë SRL', language: 'fr' } }));
    assert.equal((action as { path: string }).path, 'Café Zoë SRL/Factures d\'achat/2025/2025-11-02 F2024-001 Client NV.pdf');
  });
});
