import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { fail, formatBytes } from './budget.js';

/**
 * Safe, namespace-agnostic XML reading for e-invoices.
 *
 * Safety: e-invoices never need a DTD, so any markup declaration (<!DOCTYPE, <!ENTITY,
 * <!ELEMENT...) is refused before a parser sees the text. That closes billion-laughs and
 * external-entity attacks whatever the parser would have done with them.
 *
 * Namespaces: producers pick their own prefixes (cbc:, ubl:, none at all; rsm:/ram: or
 * others), so elements are matched on local names only. UBL and CII never put two elements
 * with the same local name under one parent, so nothing is lost.
 */

/** An element plus the path that leads to it, so every value can say where it came from. */
export interface XmlElement {
  name: string;
  path: string;
  node: unknown;
}

/** Base64 payloads are kept out of the parse: they can be megabytes and carry no invoice data. */
export const BINARY_ELEMENTS = new Set(['EmbeddedDocumentBinaryObject', 'AttachmentBinaryObject']);

/** Element nesting allowed; UBL and CII, even in a Peppol envelope, stay under 20. */
export const MAX_XML_DEPTH = 100;

const parser = new XMLParser({
  maxNestedTags: MAX_XML_DEPTH,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false, // "00123" and "1436.50" must stay exactly as written
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // numeric character references (&#233;) are only decoded with htmlEntities on; named HTML
  // entities it adds cannot occur in well-formed XML, which the validator checks first
  htmlEntities: true,
  stopNodes: [...BINARY_ELEMENTS].map((name) => `*.${name}`),
  jPath: false, // no callbacks use it, and building path strings for every element costs time
});

export interface ParsedXml {
  root: XmlElement;
  /** True when the bytes were not valid UTF-8 and were read as Windows-1252 instead. */
  encodingGuessed: boolean;
}

/** Decodes, checks and parses an XML document; failures are thrown as ExtractionError. */
export function parseXml(bytes: Buffer, maxBytes: number): ParsedXml {
  if (bytes.length > maxBytes) {
    fail('too_large', `The XML is ${formatBytes(bytes.length)}; the limit is ${formatBytes(maxBytes)}. Ask the sender for the invoice without large attachments.`);
  }
  const { text, guessed } = decodeXml(bytes);
  assertNoDeclarations(text);
  const verdict = XMLValidator.validate(text);
  if (verdict !== true) {
    const { msg, line, col } = verdict.err;
    fail('malformed', `The XML is not well-formed (line ${line}, column ${col}: ${msg}). Ask the sender for a corrected file.`);
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = parser.parse(text) as Record<string, unknown>;
  } catch (err) {
    const message = (err as Error).message;
    if (/nested tags/i.test(message)) {
      fail('malformed', `The XML nests elements more than ${MAX_XML_DEPTH} deep, which no e-invoice does, so it was not read. Ask the sender for a standard UBL or CII file.`);
    }
    return fail('malformed', `The XML could not be read: ${message}`);
  }
  const rootName = Object.keys(parsed).find((k) => !k.startsWith('?') && !k.startsWith('@_') && k !== '#text');
  if (!rootName) fail('malformed', 'The XML has no root element.');
  return { root: { name: rootName, path: `/${rootName}`, node: parsed[rootName] }, encodingGuessed: guessed };
}

/** Refuses any markup declaration; comments and CDATA are the only "<!" constructs allowed. */
export function assertNoDeclarations(text: string): void {
  const m = /<!(?!--|\[CDATA\[)\s*([A-Za-z]*)/.exec(text);
  if (m) {
    fail('unsafe_xml', `The XML contains a <!${m[1] || ''}...> declaration (a DTD or entity definition). ` +
      'E-invoices never need one and it can be used to read server files or exhaust memory, so the file was not read. ' +
      'Ask the sender for a standard UBL or CII file.');
  }
}

function decodeXml(bytes: Buffer): { text: string; guessed: boolean } {
  const b0 = bytes[0], b1 = bytes[1], b2 = bytes[2], b3 = bytes[3];
  if (b0 === 0xff && b1 === 0xfe) return { text: decodeAs('utf-16le', bytes), guessed: false };
  if (b0 === 0xfe && b1 === 0xff) return { text: decodeAs('utf-16be', bytes), guessed: false };
  if (b0 === 0x3c && b1 === 0x00 && b2 === 0x3f && b3 === 0x00) return { text: decodeAs('utf-16le', bytes), guessed: false };
  if (b0 === 0x00 && b1 === 0x3c && b2 === 0x00 && b3 === 0x3f) return { text: decodeAs('utf-16be', bytes), guessed: false };
  const head = bytes.subarray(0, 256).toString('latin1');
  const declared = /^(?:\uFEFF|\u00EF\u00BB\u00BF)?\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head)?.[1]?.toLowerCase();
  if (declared && declared !== 'utf-8' && declared !== 'utf8') return { text: decodeAs(declared, bytes), guessed: false };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), guessed: false };
  } catch {
    // Producers that write Latin-1 without declaring it are common enough to read, with a warning.
    return { text: new TextDecoder('windows-1252').decode(bytes), guessed: true };
  }
}

function decodeAs(label: string, bytes: Buffer): string {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label);
  } catch {
    return fail('unsupported', `The XML uses the character encoding "${label}", which cannot be read. Ask the sender for UTF-8.`);
  }
  return decoder.decode(bytes);
}

// ---------------------------------------------------------------------------------------
// Navigation. Names may list alternatives separated by "|" (CII D16B and ZUGFeRD 1.0 name
// the same thing differently); the first alternative present wins.

function own(node: unknown, key: string): unknown {
  return node !== null && typeof node === 'object' && Object.hasOwn(node, key)
    ? (node as Record<string, unknown>)[key]
    : undefined;
}

/** All child elements with one of the given local names, in document order. */
export function children(el: XmlElement | undefined, names: string): XmlElement[] {
  if (!el) return [];
  for (const name of names.split('|')) {
    const value = own(el.node, name);
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      return value.map((node, i) => ({ name, path: `${el.path}/${name}[${i + 1}]`, node }));
    }
    return [{ name, path: `${el.path}/${name}`, node: value }];
  }
  return [];
}

/** The first child element with one of the given local names. */
export function child(el: XmlElement | undefined, names: string): XmlElement | undefined {
  return children(el, names)[0];
}

/** Follows a chain of child steps, taking the first match at each step. */
export function at(el: XmlElement | undefined, ...steps: string[]): XmlElement | undefined {
  let current = el;
  for (const step of steps) current = child(current, step);
  return current;
}

/** Raw text content of an element, or undefined when it has none. */
export function rawText(el: XmlElement | undefined): string | undefined {
  if (!el) return undefined;
  const node = el.node;
  if (typeof node === 'string') return node;
  const text = own(node, '#text');
  return typeof text === 'string' ? text : text === undefined ? undefined : String(text);
}

/**
 * Text content with whitespace runs collapsed: pretty-printers wrap long names over lines,
 * and "ACME\n            NV" means "ACME NV". Empty text counts as absent.
 */
export function textOf(el: XmlElement | undefined): string | undefined {
  const raw = rawText(el);
  if (raw === undefined) return undefined;
  const text = raw.replace(/\s+/g, ' ').trim();
  return text === '' ? undefined : text;
}

export function attrOf(el: XmlElement | undefined, name: string): string | undefined {
  if (!el) return undefined;
  const value = own(el.node, `@_${name}`);
  return typeof value === 'string' ? value.trim() : undefined;
}

/** All text of the document in reading order, binary payloads left out, for search. */
export function collectText(el: XmlElement): string {
  const out: string[] = [];
  const walk = (node: unknown, name: string): void => {
    if (BINARY_ELEMENTS.has(name)) return;
    if (Array.isArray(node)) { for (const item of node) walk(item, name); return; }
    if (typeof node === 'string') { const t = node.replace(/\s+/g, ' ').trim(); if (t) out.push(t); return; }
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith('@_')) continue;
      walk(value, key === '#text' ? name : key);
    }
  };
  walk(el.node, el.name);
  return out.join('\n');
}
