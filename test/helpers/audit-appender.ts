// A separate process that appends audit entries to one organization's chain, as a second
// server or a CLI beside the server would: argv = database (a postgres:// URL or a SQLite
// file), organization, how many entries, a label. Prints "done" when all are committed.
import { openDatabase } from '../../src/catalog/db.js';
import { recordAudit } from '../../src/audit/log.js';
import { SYSTEM } from '../../src/domain/audit.js';

const [target, orgId, count, label] = process.argv.slice(2) as [string, string, string, string];
const db = openDatabase(target.startsWith('postgres') ? { url: target, sqlitePath: '' } : { sqlitePath: target });
for (let i = 0; i < Number(count); i++) {
  await recordAudit(db, orgId, { type: 'settings.changed', actor: SYSTEM, objectId: `${label}-${i}`, details: { writer: label, i } });
}
await db.destroy();
process.stdout.write('done\n');
