import { tmpdir } from 'node:os';
import type { ConnectorContext } from '../../src/connectors/connector.js';
import { EgressPolicy } from '../../src/connectors/kit/egress.js';

/**
 * What the tests allow that a real installation does not by default: local destinations and
 * channels in the temp folder (where every test makes its folders), and servers on loopback
 * (the test SFTP and WebDAV servers listen on 127.0.0.1). See docs/security.md.
 */
export const TEST_LIMITS: Record<string, string> = {
  DOSSIER_LOCAL_ROOTS: tmpdir(),
  DOSSIER_ALLOW_HOSTS: '127.0.0.1,::1,localhost',
};

/** The same, for a connector a test opens itself, without a whole Dossier around it. */
export const TEST_CONTEXT: ConnectorContext = {
  egress: new EgressPolicy(TEST_LIMITS.DOSSIER_ALLOW_HOSTS!.split(',')),
  localFolders: { roots: [tmpdir()], forbidden: [] },
};
