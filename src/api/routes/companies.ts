import { z } from 'zod';
import { LANGUAGES } from '../../domain/documents.js';
import { createCompany, getCompany, listCompanies, updateCompany } from '../../catalog/organizations.js';
import { orgOf } from '../auth.js';
import { commonErrors, Company, IdParams, TimeZone } from '../schemas.js';
import type { RouteContext, ZodApp } from '../server.js';

const tags = ['companies'];

const CompanyInput = z.strictObject({
  name: z.string().trim().min(1).max(200),
  language: z.enum(LANGUAGES).describe('The language of folder names at destinations.'),
  timeZone: TimeZone.describe('IANA time zone, used for daily schedules.'),
});

/** Companies are the owners of documents: every document and destination belongs to one. */
export function companyRoutes(app: ZodApp, { deps }: RouteContext): void {
  app.get('/companies', {
    schema: { summary: 'List the companies', tags, response: { 200: z.object({ items: z.array(Company) }), 401: commonErrors[401] } },
  }, async (request) => ({ items: await listCompanies(deps.db, orgOf(request)) }));

  app.post('/companies', {
    schema: { summary: 'Add a company', tags, body: CompanyInput, response: { 201: Company, ...commonErrors } },
  }, async (request, reply) => reply.code(201).send(await createCompany(deps.db, orgOf(request), request.body)));

  app.get('/companies/:id', {
    schema: { summary: 'One company', tags, params: IdParams, response: { 200: Company, ...commonErrors } },
  }, async (request) => getCompany(deps.db, orgOf(request), request.params.id));

  app.patch('/companies/:id', {
    schema: { summary: 'Change a company', tags, params: IdParams, body: CompanyInput.partial(), response: { 200: Company, ...commonErrors } },
  }, async (request) => {
    const orgId = orgOf(request);
    const company = await updateCompany(deps.db, orgId, request.params.id, request.body);
    if (request.body.name !== undefined || request.body.language !== undefined) await deps.backup.companyChanged(orgId, company.id);
    return company;
  });
}
