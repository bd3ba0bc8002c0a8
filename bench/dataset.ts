// Builds one benchmark set: the same PDF-looking files in a plain source folder (what rclone
// copies) and in a fresh Dossier data folder (what Dossier backs up), plus one SFTP destination.
// Everything here is setup: none of it is inside a measurement.
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { loadConfig } from '../src/config/config.js';
import { silentLogger } from '../src/log/log.js';
import { buildDeps, type Deps } from '../src/main/deps.js';
import { bootstrapIfEmpty } from '../src/auth/bootstrap.js';
import type { DocumentType } from '../src/domain/documents.js';
import { seededRandom } from '../src/sandbox/kit/random.js';
import { TEST_LIMITS } from '../test/helpers/limits.js';

export interface SshTarget { host: string; port: number; username: string; privateKey: string; hostKeySha256: string }

/** A destination other than SFTP: `settings(remoteRoot)` gives its settings for one remote folder. */
export interface OtherTarget { kind: string; settings(remoteRoot: string): Record<string, unknown> }

const isOther = (t: SshTarget | OtherTarget): t is OtherTarget => 'kind' in t;

export interface BenchDoc {
  id: string;
  /** Path of its file in the source folder, relative to it. */
  rel: string;
  size: number;
}

export interface BenchSet {
  srcDir: string;
  dataDir: string;
  orgId: string;
  destinationId: string;
  docs: BenchDoc[];
  bytes: number;
}

export interface SetOptions {
  count: number;
  minBytes: number;
  maxBytes: number;
  /** Sizes (and metadata) come from this seed, so every run backs up the same shape of set. */
  seed: number;
  srcDir: string;
  dataDir: string;
  /** Absolute folder on the SSH server (or key prefix in the bucket) that the Dossier destination writes to. */
  remoteRoot: string;
  /** The SFTP server, or another destination kind with its settings (the root or prefix then comes from remoteRoot). */
  ssh: SshTarget | OtherTarget;
  /** Extra documents of exactly these sizes (the 1 GiB file of the memory run). */
  extraSizes?: number[];
  label: string;
}

export const prng = seededRandom;

const HEADER = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1');

/** A PDF header and random bytes: incompressible, so no transport can cheat with compression. */
export function pdfBytes(size: number): Buffer {
  const body = randomBytes(Math.max(size, HEADER.length));
  HEADER.copy(body, 0);
  return body;
}

/** Streams a large PDF-looking file to disk without holding it in memory. */
async function writeLargePdf(path: string, size: number): Promise<void> {
  async function* chunks() {
    const step = 8 * 1024 * 1024;
    for (let at = 0; at < size; at += step) {
      const chunk = randomBytes(Math.min(step, size - at));
      if (at === 0) HEADER.copy(chunk, 0);
      yield chunk;
    }
  }
  await pipeline(Readable.from(chunks()), createWriteStream(path));
}

// Weighted roughly like a small company's archive: mostly sales and purchase invoices.
const TYPES: DocumentType[] = ['invoice', 'invoice', 'invoice', 'purchase_invoice', 'purchase_invoice', 'purchase_invoice', 'credit_note', 'purchase_credit_note', 'receipt', 'quote', 'order', 'delivery_note', 'other'];
const PARTIES = Array.from({ length: 240 }, (_, i) => `${['Acme', 'Brouwerij', 'Studio', 'Garage', 'Bakkerij', 'Atelier', 'Transport', 'Consult'][i % 8]} ${i + 1} ${['BV', 'NV', 'SRL', 'GmbH', 'Ltd'][i % 5]}`);

interface Planned { meta: { type: DocumentType; number: string; date: string; counterparty: string }; rel: string; size: number }

function planDocs(opts: SetOptions): Planned[] {
  const rand = prng(opts.seed);
  const sizes = [...Array.from({ length: opts.count }, () => opts.minBytes + Math.floor(rand() * (opts.maxBytes - opts.minBytes + 1))), ...(opts.extraSizes ?? [])];
  return sizes.map((size, i) => {
    const type = TYPES[Math.floor(rand() * TYPES.length)]!;
    const year = 2024 + Math.floor(rand() * 2);
    const month = String(1 + Math.floor(rand() * 12)).padStart(2, '0');
    const day = String(1 + Math.floor(rand() * 28)).padStart(2, '0');
    const date = `${year}-${month}-${day}`;
    const number = `${type === 'invoice' ? 'INV' : 'DOC'}-${year}-${String(i + 1).padStart(6, '0')}`;
    const counterparty = PARTIES[Math.floor(rand() * PARTIES.length)]!;
    // The source tree is shaped like Dossier's own layout, so both tools create the same kind of folders.
    return { meta: { type, number, date, counterparty }, rel: `${year}/${type}/${date} ${number} ${counterparty}.pdf`, size };
  });
}

/** Prints a progress line at most every 2 s, to stderr so stdout stays the result table. */
export function progress(label: string, total: number): (done: number) => void {
  let last = 0;
  return (done) => {
    if (done === total || Date.now() - last > 2000) {
      last = Date.now();
      process.stderr.write(`  ${label}: ${done}/${total}\n`);
    }
  };
}

export async function buildSet(opts: SetOptions): Promise<BenchSet> {
  const planned = planDocs(opts);
  const deps = await buildDeps({ config: loadConfig({ DOSSIER_DATA_DIR: opts.dataDir, LOG_LEVEL: 'silent', ...TEST_LIMITS }), log: silentLogger });
  try {
    const first = (await bootstrapIfEmpty(deps.db))!;
    const docs: BenchDoc[] = new Array(planned.length);
    let bytes = 0, done = 0, next = 0;
    const tick = progress(`${opts.label}: creating documents`, planned.length);
    const importOne = async (i: number) => {
      const p = planned[i]!;
      const file = join(opts.srcDir, p.rel);
      await mkdir(dirname(file), { recursive: true });
      let body: Readable;
      if (p.size > 64 * 1024 * 1024) {
        await writeLargePdf(file, p.size);
        body = createReadStream(file);
      } else {
        const buf = pdfBytes(p.size);
        await writeFile(file, buf);
        body = Readable.from([buf]);
      }
      const doc = await deps.vault.create(first.orgId, first.companyId, { ...p.meta, amount: '100.00', currency: 'EUR', businessAccount: null },
        { body, filename: 'document.pdf', mime: 'application/pdf' });
      docs[i] = { id: doc.id, rel: p.rel, size: p.size };
      bytes += p.size;
      tick(++done);
    };
    // A few at a time: each blob is fsynced on intake, and those waits overlap (setup time only).
    await Promise.all(Array.from({ length: 4 }, async () => { while (next < planned.length) await importOne(next++); }));
    // Added after the import: the destination starts at change 0, so its first pass is the full backfill.
    const destinationId = await addDestinationWith(deps, first.orgId, opts.ssh, opts.remoteRoot);
    return { srcDir: opts.srcDir, dataDir: opts.dataDir, orgId: first.orgId, destinationId, docs, bytes };
  } finally {
    await deps.close();
  }
}

async function addDestinationWith(deps: Deps, orgId: string, ssh: SshTarget | OtherTarget, remoteRoot: string): Promise<string> {
  const company = await deps.db.selectFrom('companies').select('id').where('org_id', '=', orgId).executeTakeFirstOrThrow();
  // A daily schedule keeps vault changes from queueing background passes; the benchmark runs them itself.
  const dst = await deps.backup.add(orgId, {
    companyId: company.id, name: `Benchmark ${isOther(ssh) ? ssh.kind : 'SFTP'} ${remoteRoot}`, kind: isOther(ssh) ? ssh.kind : 'sftp', layout: 'company-year-type', startDate: null,
    schedule: 'daily@03:00', restoreDeleted: true, respectFolderDeletions: false,
    settings: isOther(ssh) ? ssh.settings(remoteRoot) : { ...ssh, root: remoteRoot },
  });
  return dst.id;
}

/** Another destination over the same set: a repeated measurement needs one that holds nothing yet. */
export async function addDestination(set: BenchSet, ssh: SshTarget | OtherTarget, remoteRoot: string): Promise<string> {
  const deps = await buildDeps({ config: loadConfig({ DOSSIER_DATA_DIR: set.dataDir, LOG_LEVEL: 'silent', ...TEST_LIMITS }), log: silentLogger });
  try {
    return await addDestinationWith(deps, set.orgId, ssh, remoteRoot);
  } finally {
    await deps.close();
  }
}

/**
 * Picks `count` documents spread evenly over the set and writes new bytes (same size range)
 * into their source files, which also gives them a new modification time, as an edit would.
 */
export async function changeSourceFiles(set: BenchSet, count: number, minBytes: number, maxBytes: number): Promise<Array<{ id: string; file: string }>> {
  const rand = prng(7);
  const changes: Array<{ id: string; file: string }> = [];
  const step = Math.max(1, Math.floor(set.docs.length / count));
  for (let i = 0; i < count && i * step < set.docs.length; i++) {
    const doc = set.docs[i * step]!;
    const file = join(set.srcDir, doc.rel);
    await writeFile(file, pdfBytes(minBytes + Math.floor(rand() * (maxBytes - minBytes + 1))));
    changes.push({ id: doc.id, file });
  }
  return changes;
}
