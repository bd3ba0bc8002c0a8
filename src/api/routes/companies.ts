import { z } from 'zod';
import { LANGUAGES } from '../../domain/documents.js';
import { DomainError } from '../../domain/errors.js';
import { validateVatId } from '../../extract/validate/vat.js';
import { createCompany, getCompany, getOrganization, listCompanies, renameOrganization, updateCompany } from '../../catalog/organizations.js';
import { orgOf } from '../auth.js';
import { commonErrors, Company, IdParams, Organization, TimeZone } from '../schemas.js';
import type { RouteContext, ZodApp } from '../server.js';

const tags = ['companies'];

const CompanyInput = z.strictObject({
  name: z.string().trim().min(1).max(200),
  language: z.enum(LANGUAGES).describe('The language of folder names at destinations.'),
  timeZone: TimeZone.describe('IANA time zone, used for daily schedules.'),
  vatId: z.string().trim().max(20).nullable().optional().describe('The VAT identification number with its country prefix, such as BE0403170701; checked (check digits for BE, DE, FR, LU, NL) and stored normalised. Empty or null removes it.'),
});

/** A VAT id as stored: normalised, or refused with what is wrong (params.problem for the web app). */
function checkedVatId(raw: string | null | undefined): string | null | undefined {
  if (raw === undefined) return undefined;
  if (raw === null || raw === '') return null;
  const check = validateVatId(raw);
  if (check.valid) return check.normalized;
  const why = { no_country: 'it needs its country prefix, such as BE or NL', unknown_country: `${check.country} is not a VAT country`, format: 'it has the wrong number of characters for its country', check_digits: 'its check digits do not match (a typing error?)' }[check.problem];
  throw new DomainError('invalid_input', `vatId: "${raw}" is not a valid VAT number: ${why}.`, { reason: `vat_id_${check.problem}`, params: { value: raw, country: check.country ?? '' } });
}

/** Companies are the owners of documents: every document and destination belongs to one. */
export function companyRoutes(app: ZodApp, { deps }: RouteContext): void {
  app.get('/companies', {
    schema: { summary: 'List the companies', tags, response: { 200: z.object({ items: z.array(Company) }), 401: commonErrors[401] } },
  }, async (request) => ({ items: await listCompanies(deps.db, orgOf(request)) }));

  app.post('/companies', {
    schema: { summary: 'Add a company', tags, body: CompanyInput, response: { 201: Company, ...commonErrors } },
  }, async (request, reply) => reply.code(201).send(await createCompany(deps.db, orgOf(request), { ...request.body, vatId: checkedVatId(request.body.vatId) })));

  app.get('/companies/:id', {
    schema: { summary: 'One company', tags, params: IdParams, response: { 200: Company, ...commonErrors } },
  }, async (request) => getCompany(deps.db, orgOf(request), request.params.id));

  app.patch('/companies/:id', {
    schema: { summary: 'Change a company', tags, params: IdParams, body: CompanyInput.partial(), response: { 200: Company, ...commonErrors } },
  }, async (request) => {
    const orgId = orgOf(request);
    const company = await updateCompany(deps.db, orgId, request.params.id, { ...request.body, vatId: checkedVatId(request.body.vatId) });
    if (request.body.name !== undefined || request.body.language !== undefined) await deps.backup.companyChanged(orgId, company.id);
    return company;
  });

  app.get('/organization', {
    schema: { summary: 'The organization (the firm) of the caller', tags, response: { 200: Organization, 401: commonErrors[401] } },
  }, async (request) => getOrganization(deps.db, orgOf(request)));

  app.patch('/organization', {
    schema: {
      summary: 'Rename the organization',
      description: 'The firm\'s name is the sender name and signature of the mails to clients, and shows on their invitation page.',
      tags, body: z.strictObject({ name: z.string().trim().min(1).max(200) }), response: { 200: Organization, ...commonErrors },
    },
  }, async (request) => renameOrganization(deps.db, orgOf(request), request.body.name));
}
