import { defineConformanceSuite } from '../conformance/suite.js';
import { MemoryConnector } from './connector.js';

defineConformanceSuite('memory', { create: async () => new MemoryConnector() });
