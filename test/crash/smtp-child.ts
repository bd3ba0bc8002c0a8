// A Dossier process that receives mail by SMTP and files it; the crash test kills it.
// Usage: node --import tsx smtp-child.ts <dataDir> <port> <dns: slow|fast>
// slow: DNS never answers, so every mail waits (spooled, answered 250) for its SPF check.
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/log/log.js';
import { buildDeps } from '../../src/main/deps.js';
import { startInboundMail } from '../../src/main/inbound-mail.js';
import { TEST_LIMITS } from '../helpers/limits.js';

const [dataDir, port, dns] = process.argv.slice(2);
const deps = await buildDeps({
  config: loadConfig({ DOSSIER_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...TEST_LIMITS, DOSSIER_SMTP_INBOUND: `127.0.0.1:${port}`, DOSSIER_SMTP_DOMAIN: 'in.example.com' }),
  log: createLogger('warn', process.stderr),
});
const resolver = dns === 'slow'
  ? () => new Promise<never>(() => {})
  : async (domain: string) => { throw Object.assign(new Error(`ENOTFOUND ${domain}`), { code: 'ENOTFOUND' }); };
await startInboundMail(deps, { resolver });
process.stdout.write('listening\n');
