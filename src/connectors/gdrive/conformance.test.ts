import { startGdriveEmulator } from '../../sandbox/gdrive/server.js';
import { defineConformanceSuite } from '../conformance/suite.js';
import { GoogleDriveConnector } from './connector.js';
import { CHUNK_MULTIPLE, SIMPLE_UPLOAD_MAX } from './upload.js';

const emu = await startGdriveEmulator();
const CHUNK = 2 * CHUNK_MULTIPLE;
const FEED_PAGE = 3;

// A root with a space and a non-ASCII letter that does not exist yet: writes must create it.
// Small chunks, so that the sizes around the multipart limit take several of them.
defineConformanceSuite('gdrive', {
  create: async () => new GoogleDriveConnector({
    baseUrl: emu.url, root: 'Dossier Bücher/backup', tokens: emu.tokenSource('alice'), chunkBytes: CHUNK, pacing: { perSecond: 1e6, burst: 1e6 }, feedPageSize: FEED_PAGE,
  }),
  cleanup: () => emu.stop(),
  feedPageSize: FEED_PAGE,
  sizes: [SIMPLE_UPLOAD_MAX, SIMPLE_UPLOAD_MAX + 1, SIMPLE_UPLOAD_MAX + CHUNK, SIMPLE_UPLOAD_MAX + CHUNK + 1, SIMPLE_UPLOAD_MAX + CHUNK_MULTIPLE - 1],
});
