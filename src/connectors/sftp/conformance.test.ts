import { describe } from 'node:test';
import { startSshd, SSHD_MISSING } from '../../../test/servers/sshd.js';
import { defineConformanceSuite } from '../conformance/suite.js';
import { SftpConnector } from './connector.js';
import { TEST_CONTEXT } from '../../../test/helpers/limits.js';

const server = await startSshd();
if (!server) {
  describe('sftp connector conformance', { skip: SSHD_MISSING }, () => undefined);
} else {
  defineConformanceSuite('sftp', {
    create: async () => {
      const { host, port, username, privateKey, hostKeySha256 } = server;
      return new SftpConnector({ host, port, username, privateKey, hostKeySha256, root: await server.newRoot() }, TEST_CONTEXT);
    },
    cleanup: () => server.stop(),
    sizes: [128 * 1024 - 1, 128 * 1024, 128 * 1024 + 1, 8 * 128 * 1024 + 1],
  });
}
