import type { Extraction } from './types.js';
import type { Budget } from './budget.js';
import { fail } from './budget.js';
import { child, collectText, parseXml, type XmlElement } from './xml.js';
import { StructuredBuilder } from './fields.js';
import { readUbl } from './ubl.js';
import { readCii } from './cii.js';

/** Root elements we read, by local name. */
const UBL_ROOTS = new Set(['Invoice', 'CreditNote']);
const CII_ROOTS = new Set(['CrossIndustryInvoice', 'CrossIndustryDocument']);

export function isEInvoiceRoot(name: string): boolean {
  return UBL_ROOTS.has(name) || CII_ROOTS.has(name) || name === 'StandardBusinessDocument';
}

export interface StructuredOptions {
  /** Set when the XML came out of a PDF: the source is then 'facturx'. */
  embeddedFile?: string;
}

/**
 * Reads one UBL or CII document (bytes of an XML file) into an Extraction. Throws
 * ExtractionError for unsafe, malformed, oversized or non-invoice XML.
 */
export function readStructuredXml(bytes: Buffer, budget: Budget, options: StructuredOptions = {}): Extraction {
  const { root: parsedRoot, encodingGuessed } = parseXml(bytes, budget.limits.maxXmlBytes);
  budget.checkTime();
  const root = unwrapEnvelope(parsedRoot);
  const out = new StructuredBuilder();
  if (encodingGuessed) {
    out.warn('encoding_guessed', 'The XML is not valid UTF-8 and declares no encoding; it was read as Windows-1252. Check names with accents.');
  }
  const syntax = UBL_ROOTS.has(root.name) ? 'ubl' : CII_ROOTS.has(root.name) ? 'cii' : null;
  if (!syntax) {
    return fail('unsupported', `This XML is not an e-invoice: its root element is <${root.name}>. ` +
      'UBL Invoice and CreditNote (Peppol BIS, XRechnung) and UN/CEFACT CrossIndustryInvoice (Factur-X, ZUGFeRD) are read.');
  }
  const facts = syntax === 'ubl' ? readUbl(root, out) : readCii(root, out);
  budget.checkTime();
  const source = options.embeddedFile !== undefined ? 'facturx' : syntax;
  return out.finish(source, {
    syntax, root: root.name, profile: facts.profile, embeddedFile: options.embeddedFile ?? null, attachments: facts.attachments,
  }, collectText(root));
}

/** Peppol transports wrap the invoice in a Standard Business Document Header envelope. */
function unwrapEnvelope(root: XmlElement): XmlElement {
  if (root.name !== 'StandardBusinessDocument') return root;
  return child(root, 'Invoice') ?? child(root, 'CreditNote') ?? root;
}
