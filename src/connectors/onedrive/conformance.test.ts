import { startGraphEmulator } from '../../sandbox/graph/server.js';
import { defineConformanceSuite } from '../conformance/suite.js';
import { OneDriveConnector, SIMPLE_UPLOAD_MAX } from './connector.js';
import { FRAGMENT_MULTIPLE } from './upload.js';

const emu = await startGraphEmulator();
const FRAGMENT = 2 * FRAGMENT_MULTIPLE;
const FEED_PAGE = 3;

// A root with a space and a non-ASCII letter that does not exist yet: writes must create it.
// Small fragments, so that the sizes around the simple-upload limit take several of them.
defineConformanceSuite('onedrive', {
  create: async () => new OneDriveConnector({
    baseUrl: emu.url, location: 'drive', root: 'Dossier Bücher/backup', tokens: emu.tokenSource('alice'), fragmentBytes: FRAGMENT, feedPageSize: FEED_PAGE,
  }),
  cleanup: () => emu.stop(),
  feedPageSize: FEED_PAGE,
  sizes: [SIMPLE_UPLOAD_MAX, SIMPLE_UPLOAD_MAX + 1, SIMPLE_UPLOAD_MAX + FRAGMENT, SIMPLE_UPLOAD_MAX + FRAGMENT + 1],
});
