// npm run bench:backup -- [--docs N] [--incremental-sizes 5000,50000] [--repeat 3]
//                         [--transfers 8,16] [--skip-large] [--keep]
//
// Dossier's SFTP backup against rclone, to the same throw-away OpenSSH server on loopback:
//  1. throughput: N documents (20-300 KB PDFs) copied by rclone as it runs by default (md5sum
//     check of every file), by rclone with --sftp-disable-hashcheck (no check: the ceiling),
//     and backed up by Dossier (every file verified by remote sha256), --repeat times each;
//  2. incremental: 10 documents change, then Dossier's pass (change to verified) against a
//     plain `rclone copy`, at each N of --incremental-sizes;
//  3. memory: peak RSS of a backup whose set holds one 1 GiB document.
// Dossier always runs in a child process, so its peak RSS is its own. Building the sets is
// setup and never inside a measurement. The result table goes to stdout, progress to stderr.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startSshd, SSHD_MISSING } from '../test/servers/sshd.js';
import { addDestination, buildSet, changeSourceFiles, type BenchSet, type SshTarget } from './dataset.js';
import { printReport, type Incremental, type Large, type Series } from './report.js';
import { countTree, dossierChild, flushDisks, hasGnuTime, rcloneCopy, warmCache, type ChildJob, type RcloneRemote } from './tools.js';

const KB = 1000;
const GIB = 1024 ** 3;
const CHANGES = 10;

const { values: flags } = parseArgs({
  options: {
    docs: { type: 'string', default: '5000' },
    'incremental-sizes': { type: 'string', default: '5000,50000' },
    repeat: { type: 'string', default: '3' },
    // Empty: Dossier's own default (DOSSIER_TRANSFERS from the environment, else 8).
    transfers: { type: 'string', default: '' },
    'skip-large': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean).map(Number);
const DOCS = Number(flags.docs);
const INCREMENTAL = list(flags['incremental-sizes']);
const REPEAT = Number(flags.repeat);
const TRANSFERS: Array<number | null> = flags.transfers ? list(flags.transfers) : [null];
const whole = (n: number, min: number) => Number.isInteger(n) && n >= min;
if (!whole(DOCS, CHANGES) || !INCREMENTAL.every((n) => whole(n, CHANGES)) || !whole(REPEAT, 1) || !TRANSFERS.every((t) => t === null || whole(t, 1))) {
  console.error(`--docs and --incremental-sizes take whole numbers of at least ${CHANGES}; --repeat and --transfers at least 1.`);
  process.exit(2);
}

const step = (text: string) => process.stderr.write(`\n== ${text}\n`);

/** Fails loudly when a tool did not deliver the whole set: a fast wrong run would look great. */
async function expectDelivered(what: string, root: string, files: number, bytes: number): Promise<void> {
  const got = await countTree(root);
  if (got.files !== files || got.bytes !== bytes) {
    throw new Error(`${what} left ${got.files} files / ${got.bytes} bytes at the destination, expected ${files} / ${bytes}.`);
  }
}

async function main(): Promise<void> {
  // Each remote hash command runs through the login shell. Marking the session as already
  // nested (SHLVL) keeps bash from sourcing the login user's ~/.bashrc, as a server's default
  // one returns at once for non-interactive shells; otherwise whatever a developer's own
  // start-up files do would be added to every command rclone (one per file) and Dossier run.
  const sshd = await startSshd({ extraConfig: ['SetEnv SHLVL=1'] });
  if (!sshd) throw new Error(SSHD_MISSING);
  const work = await mkdtemp(join(tmpdir(), 'dossier-bench-'));
  try {
    const keyFile = join(work, 'client_key');
    await writeFile(keyFile, sshd.privateKey, { mode: 0o600 });
    const ssh: SshTarget = { host: sshd.host, port: sshd.port, username: sshd.username, privateKey: sshd.privateKey, hostKeySha256: sshd.hostKeySha256 };
    const rc: RcloneRemote = { host: sshd.host, port: sshd.port, username: sshd.username, keyFile, configFile: join(work, 'rclone.conf') };
    const rssFile = join(work, 'time-rss.txt');
    // Remote folders live in the work folder (not the server helper's), so --keep keeps them too.
    const remote = async (name: string) => { const dir = join(work, 'remote', name); await mkdir(dir, { recursive: true }); return dir; };
    const setDirs = (name: string) => ({ srcDir: join(work, name, 'source'), dataDir: join(work, name, 'dossier-data') });
    const rclone = async (set: BenchSet, dir: string, extra: string[] = []) => {
      await flushDisks();
      await warmCache(set.srcDir);
      return rcloneCopy(rc, set.srcDir, dir, extra, rssFile);
    };
    const dossier = async (set: BenchSet, job: Omit<ChildJob, 'dataDir' | 'orgId' | 'destinationId'> & { destinationId?: string }, transfers: number | null = null) => {
      await flushDisks();
      await warmCache(set.dataDir);
      return dossierChild({ dataDir: set.dataDir, orgId: set.orgId, destinationId: set.destinationId, ...job }, transfers === null ? {} : { DOSSIER_TRANSFERS: String(transfers) });
    };

    // ---- 1. throughput ----
    step(`building the main set: ${DOCS} documents of 20-300 KB`);
    const mainRoot = await remote('dossier-main');
    const main = await buildSet({ count: DOCS, minBytes: 20 * KB, maxBytes: 300 * KB, seed: 1, ...setDirs('main'), remoteRoot: mainRoot, ssh, label: 'main set' });
    const verified: Series = { name: 'rclone copy (verified, md5sum)', runs: [] };
    const unverified: Series = { name: 'rclone copy --sftp-disable-hashcheck (unverified)', runs: [] };
    const dossiers: Series[] = TRANSFERS.map(() => ({ name: '', runs: [], processMs: [] }));
    // The first run of each keeps its copy: the incremental pass at N = --docs starts from it.
    const rcloneVerifiedDir = await remote('rclone-verified');
    for (let r = 0; r < REPEAT; r++) {
      step(`throughput run ${r + 1} of ${REPEAT}: rclone copy (default: md5sum check of every file)`);
      const vDir = r === 0 ? rcloneVerifiedDir : await remote(`rclone-verified-${r}`);
      verified.runs.push(await rclone(main, vDir));
      await expectDelivered('rclone', vDir, DOCS, main.bytes);
      if (r > 0) await rm(vDir, { recursive: true });

      step(`throughput run ${r + 1} of ${REPEAT}: rclone copy --sftp-disable-hashcheck`);
      const uDir = await remote(`rclone-unverified-${r}`);
      unverified.runs.push(await rclone(main, uDir, ['--sftp-disable-hashcheck']));
      await expectDelivered('rclone', uDir, DOCS, main.bytes);
      await rm(uDir, { recursive: true });

      for (const [k, transfers] of TRANSFERS.entries()) {
        step(`throughput run ${r + 1} of ${REPEAT}: Dossier backup${transfers ? `, ${transfers} transfers` : ''} (every file verified by remote sha256)`);
        const first = r === 0 && k === 0;
        const root = first ? mainRoot : await remote(`dossier-${r}-${k}`);
        const destinationId = first ? main.destinationId : await addDestination(main, ssh, root);
        const res = await dossier(main, { mode: 'full', destinationId }, transfers);
        if (res.files !== DOCS) throw new Error(`Dossier uploaded ${res.files} documents, expected ${DOCS}.`);
        await expectDelivered('Dossier', root, DOCS, main.bytes);
        if (!first) await rm(root, { recursive: true });
        dossiers[k]!.name = `Dossier (verified, sha256; ${res.transfers} transfers)`;
        dossiers[k]!.runs.push(res);
        dossiers[k]!.processMs!.push(res.processMs);
      }
    }

    // ---- 2. incremental ----
    const incremental: Incremental[] = [];
    for (const n of INCREMENTAL) {
      let set: BenchSet, rcloneDir: string, sizes: [number, number], backfill: Incremental['backfill'];
      if (n === DOCS) {
        // The main set is already backed up by both: its incremental pass needs no new setup.
        set = main;
        rcloneDir = rcloneVerifiedDir;
        sizes = [20 * KB, 300 * KB];
      } else {
        // Small files: an incremental pass costs per file, not per byte, and 50,000 full-size
        // PDFs would be ~8 GB to generate, store twice and copy twice.
        sizes = [2 * KB, 8 * KB];
        step(`building the incremental set: ${n} documents of 2-8 KB`);
        const root = await remote(`dossier-inc-${n}`);
        set = await buildSet({ count: n, minBytes: sizes[0], maxBytes: sizes[1], seed: n, ...setDirs(`inc-${n}`), remoteRoot: root, ssh, label: `${n} set` });
        step(`initial backfill of the ${n} set: Dossier, then rclone (timed, not the comparison)`);
        const d = await dossier(set, { mode: 'full' });
        await expectDelivered('Dossier', root, n, set.bytes);
        // Setup, not the comparison: rclone's per-file md5sum would take most of an hour at
        // N = 50,000, and the pass compared below checks sizes and times as rclone always does.
        rcloneDir = await remote(`rclone-inc-${n}`);
        const c = await rclone(set, rcloneDir, ['--sftp-disable-hashcheck']);
        await expectDelivered('rclone', rcloneDir, n, set.bytes);
        backfill = { dossier: d, rclone: c };
      }
      step(`incremental pass at N = ${n}: ${CHANGES} documents change`);
      const changes = await changeSourceFiles(set, CHANGES, sizes[0], sizes[1]);
      const c = await rclone(set, rcloneDir);
      const d = await dossier(set, { mode: 'incremental', changes });
      incremental.push({ n, dossier: d, rclone: c, backfill });
    }

    // ---- 3. memory with a 1 GiB document ----
    let large: Large | null = null;
    if (!flags['skip-large']) {
      step('memory run: a few documents plus one of 1 GiB');
      const root = await remote('dossier-large');
      const set = await buildSet({ count: 3, minBytes: 20 * KB, maxBytes: 300 * KB, seed: 3, extraSizes: [GIB], ...setDirs('large'), remoteRoot: root, ssh, label: 'large set' });
      const d = await dossier(set, { mode: 'full' });
      await expectDelivered('Dossier', root, 4, set.bytes);
      const dir = await remote('rclone-large');
      const c = await rclone(set, dir);
      await expectDelivered('rclone', dir, 4, set.bytes);
      large = { dossier: d, rclone: c, bytes: set.bytes };
    }

    await printReport({
      docs: DOCS, bytes: main.bytes, repeat: REPEAT, changes: CHANGES, throughput: [verified, unverified, ...dossiers],
      incremental, large, gnuTime: hasGnuTime(),
    });
    if (flags.keep) process.stderr.write(`\nKept everything in ${work}\n`);
  } finally {
    await sshd.stop();
    if (!flags.keep) await rm(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack ?? e.message : e);
  process.exitCode = 1;
});
