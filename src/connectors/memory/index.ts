import { z } from 'zod';
import type { ConnectorDefinition } from '../connector.js';
import { MemoryConnector } from './connector.js';

export const memorySettings = z.object({ capacity: z.number().int().positive().optional() });

/** Only for tests and demos: its contents vanish with the process. */
export const memoryDefinition: ConnectorDefinition<z.infer<typeof memorySettings>> = {
  kind: 'memory',
  title: 'Memory (testing only)',
  settings: memorySettings,
  secrets: [],
  names: { set: 'posix', caseInsensitive: false, maxComponentBytes: 255 },
  create: async (settings) => new MemoryConnector(settings),
};
