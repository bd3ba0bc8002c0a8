// One Dossier process that runs one collection channel to the end, counting the SFTP connector's
// calls; run by bench/collect.ts as a child. Prints one line "RESULT <json>".
import { loadConfig } from '../src/config/config.js';
import { silentLogger } from '../src/log/log.js';
import { buildDeps } from '../src/main/deps.js';
import { sftpDefinition } from '../src/connectors/sftp/index.js';
import type { ConnectorDefinition, StorageConnector } from '../src/connectors/connector.js';
import { TEST_LIMITS } from '../test/helpers/limits.js';

interface Job { dataDir: string; orgId: string; channelId: string; read: boolean }
const job = JSON.parse(process.argv[2] ?? '{}') as Job;

const calls: Record<string, number> = {};
/** The real SFTP connector, with every call of the port counted. */
const counting: ConnectorDefinition = {
  ...sftpDefinition,
  create: async (settings, context) => {
    const inner = await sftpDefinition.create(settings, context);
    return new Proxy(inner, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver);
        if (typeof v !== 'function' || prop === 'close') return v;
        return (...args: unknown[]) => { calls[String(prop)] = (calls[String(prop)] ?? 0) + 1; return (v as (...a: unknown[]) => unknown).apply(target, args); };
      },
    }) as StorageConnector;
  },
};

const deps = await buildDeps({
  config: loadConfig({ ...TEST_LIMITS, ...process.env, DOSSIER_DATA_DIR: job.dataDir, LOG_LEVEL: 'silent' }), log: silentLogger, definitions: [counting], readDocuments: job.read,
});
try {
  const start = performance.now();
  const cpuBefore = process.cpuUsage();
  const run = await deps.collect.runs.runNow(job.orgId, job.channelId, null);
  const ms = performance.now() - start;
  const runCpu = process.cpuUsage(cpuBefore);
  if (run.status !== 'done') throw new Error(`the run ended ${run.status}: ${run.error ?? ''}`);
  process.stdout.write(`RESULT ${JSON.stringify({ ms, found: run.found, collected: run.collected, skipped: run.skipped, calls, cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000, runCpuMs: (runCpu.user + runCpu.system) / 1000 })}\n`);
} finally {
  await deps.close();
}
