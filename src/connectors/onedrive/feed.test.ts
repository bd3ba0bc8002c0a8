import { startGraphEmulator } from '../../sandbox/graph/server.js';
import { defineChangeFeedSuite } from '../conformance/change-feed.js';
import { OneDriveConnector } from './connector.js';

// OneDrive Personal serves folder delta: the feed reads items/{id}/delta instead of filtering root delta.
const personal = await startGraphEmulator({ driveType: 'personal' });
defineChangeFeedSuite('onedrive personal', {
  create: async () => new OneDriveConnector({ baseUrl: personal.url, location: 'drive', root: 'Boekhouding', tokens: personal.tokenSource('paul'), feedPageSize: 3 }),
  cleanup: () => personal.stop(),
  feedPageSize: 3,
});
