import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { startServerProcess } from '../helpers/server-process.js';

it('refuses to start an API-only or worker process on SQLite, saying why', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'dossier-roles-'));
  try {
    for (const role of ['api', 'worker']) {
      const p = startServerProcess({ DOSSIER_DATA_DIR: dataDir, PORT: '0' }, [`--role=${role}`]);
      const { code } = await p.exited;
      assert.equal(code, 1);
      assert.match(p.output(), new RegExp(`cannot start as "${role}".*PostgreSQL.*DATABASE_URL`));
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
