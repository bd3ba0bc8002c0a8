import { describe } from 'node:test';
import { RCLONE_MISSING, startWebdav, type TestWebdav } from '../../../test/servers/webdav.js';
import { defineConformanceSuite } from '../conformance/suite.js';
import { WebdavConnector } from './connector.js';
import { TEST_CONTEXT } from '../../../test/helpers/limits.js';

const server: TestWebdav | null = await startWebdav();

if (!server) {
  describe('webdav connector conformance', { skip: RCLONE_MISSING }, () => {});
} else {
  // A root with a space and a non-ASCII letter that does not exist yet: writes must create it.
  defineConformanceSuite('webdav', {
    create: async () => new WebdavConnector({ url: server.url, username: server.username, password: server.password, root: 'Dossier Bücher/backup' }, TEST_CONTEXT),
    cleanup: () => server.stop(),
  });
}
