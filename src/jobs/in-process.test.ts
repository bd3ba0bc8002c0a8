import { describe } from 'node:test';
import { silentLogger } from '../log/log.js';
import { InProcessQueue } from './in-process.js';
import { queueSuite } from './queue-suite.js';

describe('in-process job queue', () => {
  queueSuite(async (retry) => new InProcessQueue(silentLogger, retry));
});
