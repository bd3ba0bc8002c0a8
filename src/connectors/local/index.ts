import { z } from 'zod';
import type { ConnectorDefinition } from '../connector.js';
import { LocalConnector } from './connector.js';

export const localSettings = z.object({
  root: z.string().min(1).refine((p) => p.startsWith('/'), 'Give the folder as an absolute path, such as /srv/backups.'),
});

export const localDefinition: ConnectorDefinition<z.infer<typeof localSettings>> = {
  kind: 'local',
  title: 'Folder on this server',
  settings: localSettings,
  secrets: [],
  names: { set: 'posix', caseInsensitive: false, maxComponentBytes: 255 },
  create: async (settings, context) => {
    const connector = new LocalConnector(settings, context);
    await connector.open(); // a folder this installation does not allow fails here, before anything is stored
    return connector;
  },
};
