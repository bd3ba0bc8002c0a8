import { Command } from 'commander';
import type { CliContext } from './context.js';
import { registerServe } from './serve.js';
import { registerCompanies } from './companies.js';
import { registerImport } from './import.js';
import { registerDocuments } from './documents.js';
import { registerDestinations } from './destinations.js';
import { registerPreview } from './preview.js';
import { registerExtract } from './extract.js';
import { registerChannels } from './channels.js';
import { registerInbox } from './inbox.js';
import { registerUsers } from './users.js';
import { registerBlobs } from './blobs.js';
import { registerApiKeys } from './api-keys.js';
import { registerAudit } from './audit.js';
import { registerWebhooks } from './webhooks.js';
import { registerRetention } from './retention.js';
import { registerExport } from './export.js';
import { registerExports } from './exports.js';
import { DossierCommand, registerCliAuditTrail } from './audit-trail.js';

export interface ProgramIO {
  writeOut(s: string): void;
  writeErr(s: string): void;
}

/**
 * The `dossier` command tree. Commander never exits the process or prints errors itself: the
 * entry point maps every failure to one message and an exit code (2 for a usage mistake).
 */
export function buildProgram(ctx: CliContext, io: ProgramIO): Command {
  const program = new DossierCommand('dossier')
    .description('Dossier: back up a company\'s accounting documents to storage it owns, and collect clients\' documents into the inbox.')
    // Settings inherited by every sub-command must come before the sub-commands are added.
    .exitOverride()
    .configureOutput({ writeOut: io.writeOut, writeErr: io.writeErr, outputError: () => undefined })
    .configureHelp({ showGlobalOptions: true })
    .option('--json', 'machine-readable output: exactly one JSON document on stdout')
    .option('--org <id>', 'the organization to act on (default: the first one)');

  registerServe(program, ctx);
  registerCompanies(program, ctx);
  registerImport(program, ctx);
  registerDocuments(program, ctx);
  registerDestinations(program, ctx);
  registerPreview(program, ctx);
  registerExtract(program);
  registerChannels(program, ctx);
  registerInbox(program, ctx);
  registerUsers(program, ctx);
  registerBlobs(program, ctx);
  registerApiKeys(program, ctx);
  registerAudit(program, ctx);
  registerWebhooks(program, ctx);
  registerRetention(program, ctx);
  registerExport(program, ctx);
  registerExports(program, ctx);
  registerCliAuditTrail(program, ctx);
  return program;
}
