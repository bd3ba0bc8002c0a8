import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConformanceSuite } from '../conformance/suite.js';
import { LocalConnector } from './connector.js';

let dir = '';
defineConformanceSuite('local', {
  create: async () => {
    dir = await mkdtemp(join(tmpdir(), 'dossier-local-'));
    return new LocalConnector({ root: dir }, { localFolders: { roots: [dir], forbidden: [] } });
  },
  cleanup: () => rm(dir, { recursive: true, force: true }),
});
