import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { extractDocument, type Extraction, type FieldName, type FieldValues } from '../../src/extract/index.js';
import { EINVOICE_FIXTURES } from '../../test/helpers/fixtures.js';

/**
 * The labelled set: every UBL and CII example of test/fixtures/einvoice, read by the structured
 * reader (exact, and checked against hand-read values in src/extract/fixtures.test.ts). Its
 * fields are the expected values for the XML itself and for the PDFs rendered from it.
 */

/** The fields the benchmark scores, in report order. */
export const SCORED_FIELDS = [
  'documentType', 'number', 'issueDate', 'dueDate', 'currency', 'sellerName', 'sellerVatId', 'buyerVatId', 'iban',
  'paymentReference', 'totalWithoutVat', 'totalVat', 'totalWithVat', 'amountDue',
] as const satisfies readonly FieldName[];
export type ScoredField = (typeof SCORED_FIELDS)[number];
export type Expected = { [K in ScoredField]?: FieldValues[K] };

export interface FixtureInvoice {
  file: string;
  syntax: 'ubl' | 'cii';
  bytes: Buffer;
  extraction: Extraction;
  expected: Expected;
}

export async function loadFixtures(): Promise<FixtureInvoice[]> {
  const out: FixtureInvoice[] = [];
  for (const syntax of ['ubl', 'cii'] as const) {
    for (const file of readdirSync(path.join(EINVOICE_FIXTURES, syntax)).sort()) {
      const bytes = readFileSync(path.join(EINVOICE_FIXTURES, syntax, file));
      const result = await extractDocument({ bytes, filename: file });
      if (!result.ok) throw new Error(`${syntax}/${file} does not read as an e-invoice: ${result.message}`);
      out.push({ file: `${syntax}/${file}`, syntax, bytes, extraction: result, expected: expectedOf(result) });
    }
  }
  return out;
}

export function expectedOf(x: Extraction): Expected {
  const expected: Record<string, unknown> = {};
  for (const name of SCORED_FIELDS) {
    const field = x.fields[name];
    if (field) expected[name] = field.value;
  }
  return expected as Expected;
}
