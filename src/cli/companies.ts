import type { Command } from 'commander';
import { IANAZone } from 'luxon';
import { createCompany, listCompanies, type Company } from '../catalog/organizations.js';
import { LANGUAGES, type Language } from '../domain/documents.js';
import { UsageError, type CliContext } from './context.js';
import { printerFor, table } from './output.js';

/** `dossier companies list|add`: the businesses whose documents this organization keeps. */
export function registerCompanies(program: Command, ctx: CliContext): void {
  const companies = program.command('companies').description('List or add companies.');

  companies
    .command('list')
    .description('List the companies of the organization.')
    .action(async (_opts: unknown, cmd: Command) => {
      const out = printerFor(cmd);
      const list = await listCompanies((await ctx.deps()).db, await ctx.orgId());
      out.result({ companies: list }, ({ companies: cs }) =>
        cs.length ? table(['ID', 'NAME', 'LANGUAGE', 'TIME ZONE'], cs.map((c) => [c.id, c.name, c.language, c.timeZone])) : 'No companies yet.');
    });

  companies
    .command('add')
    .description('Add a company.')
    .requiredOption('--name <name>', 'the company name, as it appears in folder names')
    .option('--language <language>', `language of folder names: ${LANGUAGES.join('|')}`, 'en')
    .option('--time-zone <zone>', 'IANA time zone, for dates and daily schedules', 'Europe/Brussels')
    .action(async (opts: { name: string; language: string; timeZone: string }, cmd: Command) => {
      const out = printerFor(cmd);
      const name = opts.name.trim();
      if (!name) throw new UsageError('--name may not be empty.');
      if (!(LANGUAGES as readonly string[]).includes(opts.language)) {
        throw new UsageError(`--language must be one of ${LANGUAGES.join(', ')}, not "${opts.language}".`);
      }
      if (!IANAZone.isValidZone(opts.timeZone)) {
        throw new UsageError(`--time-zone "${opts.timeZone}" is not a known time zone; use a name such as Europe/Brussels.`);
      }
      const company = await createCompany((await ctx.deps()).db, await ctx.orgId(), { name, language: opts.language as Language, timeZone: opts.timeZone });
      out.result(company, (c: Company) => `Added company ${c.id} (${c.name}, ${c.language}, ${c.timeZone}).`);
    });
}
