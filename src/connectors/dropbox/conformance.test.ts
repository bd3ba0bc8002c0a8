import { startDropboxEmulator } from '../../sandbox/dropbox/server.js';
import { defineConformanceSuite } from '../conformance/suite.js';
import { DropboxConnector } from './connector.js';

const emu = await startDropboxEmulator();
const SIMPLE = 1024 * 1024;
const CHUNK = 256 * 1024;
const FEED_PAGE = 3;

// A root with a space and a non-ASCII letter (escaped in Dropbox-API-Arg) that does not exist yet.
// A small simple-upload limit and small chunks, so that the sizes around them take several requests.
defineConformanceSuite('dropbox', {
  create: async () => new DropboxConnector({
    apiUrl: emu.url, contentUrl: emu.contentUrl, root: 'Dossier Bücher/backup', tokens: emu.tokenSource('alice'), simpleUploadMax: SIMPLE, chunkBytes: CHUNK, feedPageSize: FEED_PAGE,
  }),
  cleanup: () => emu.stop(),
  feedPageSize: FEED_PAGE,
  sizes: [SIMPLE, SIMPLE + 1, SIMPLE + CHUNK, SIMPLE + CHUNK + 1, 4 * 1024 * 1024 + 1],
});
