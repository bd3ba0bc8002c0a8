import { tmpdir } from 'node:os';

/**
 * What the tests allow that a real installation does not by default: local destinations and
 * channels in the temp folder (where every test makes its folders), and servers on loopback
 * (the test SFTP and WebDAV servers listen on 127.0.0.1). See docs/security.md.
 */
export const TEST_LIMITS: Record<string, string> = {
  DOSSIER_LOCAL_ROOTS: tmpdir(),
  DOSSIER_ALLOW_HOSTS: '127.0.0.1,::1,localhost',
};
