import { XMLParser } from 'fast-xml-parser';
import type { HashType } from '../connector.js';

/** One <response> of a PROPFIND multistatus, reduced to what the connector uses. */
export interface DavResource {
  /** Decoded path segments of the href, from the server's root ("/"), e.g. ["remote.php", "dav", ...]. */
  segments: string[];
  isDir: boolean;
  size: number;
  modifiedAt: Date | null;
  etag?: string;
  fileId?: string;
  /** From oc:checksums; only what a client stored there, lower-case hex. */
  checksums: Partial<Record<HashType, string>>;
  quotaAvailable?: number;
  quotaUsed?: number;
}

const OC = 'http://owncloud.org/ns';

/** The properties list and stat ask for: small, so big folders answer quickly. */
export const ENTRY_PROPS = `<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:" xmlns:oc="${OC}"><d:prop><d:resourcetype/><d:getcontentlength/><d:getlastmodified/><d:getetag/><oc:fileid/><oc:checksums/></d:prop></d:propfind>`;

export const QUOTA_PROPS = `<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:"><d:prop><d:quota-available-bytes/><d:quota-used-bytes/></d:prop></d:propfind>`;

// Entity expansion and DOCTYPE handling stay off: a multistatus never needs them, and a hostile
// server could otherwise blow up memory with nested entities. Values stay strings (an etag or a
// name such as "0012" must not turn into a number); prefixes go, since servers pick their own.
const parser = new XMLParser({
  processEntities: false,
  htmlEntities: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => name === 'response' || name === 'propstat' || name === 'checksum',
});

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * Decodes the five predefined XML entities and character references in one pass (so "&amp;lt;"
 * stays "&lt;"), since the parser is told to leave entities alone. rclone, for one, writes "&"
 * in hrefs as "&amp;".
 */
export function decodeXmlText(text: string): string {
  return text.replace(/&(?:#x([0-9a-fA-F]{1,6})|#([0-9]{1,7})|(amp|lt|gt|quot|apos));/g, (all, hex, dec, name) => {
    if (name) return PREDEFINED[name]!;
    const code = hex ? parseInt(hex, 16) : Number(dec);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : all;
  });
}

function text(node: unknown): string {
  if (typeof node === 'string') return decodeXmlText(node);
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (node && typeof node === 'object' && '#text' in node) return text((node as Record<string, unknown>)['#text']);
  return '';
}

export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // a stray "%" the server did not encode: take the name as it is
  }
}

/**
 * The decoded segments of an href, which servers send either as an absolute path
 * ("/remote.php/dav/files/alice/a%20b.pdf") or as an absolute URL; both resolve the same way.
 */
export function hrefSegments(href: string, requestUrl: string): string[] {
  const pathname = new URL(href, requestUrl).pathname;
  return pathname.split('/').filter((s) => s !== '').map(decodeSegment);
}

function number(value: string): number | undefined {
  if (!/^-?\d+$/.test(value)) return undefined;
  return Number(value);
}

function parseChecksums(node: unknown): Partial<Record<HashType, string>> {
  const out: Partial<Record<HashType, string>> = {};
  const list = node && typeof node === 'object' ? (node as Record<string, unknown>)['checksum'] : undefined;
  const values = (Array.isArray(list) ? list : [list ?? node]).map(text).join(' ');
  for (const item of values.split(/\s+/)) {
    const m = /^(SHA256|SHA1|MD5):([0-9a-fA-F]+)$/i.exec(item);
    if (m) out[m[1]!.toLowerCase() as HashType] = m[2]!.toLowerCase();
  }
  return out;
}

function asRecord(node: unknown): Record<string, unknown> {
  return node && typeof node === 'object' ? (node as Record<string, unknown>) : {};
}

/** Whether a "HTTP/1.1 200 OK" status line (or a missing one) means success. */
function ok(status: unknown): boolean {
  const line = text(status);
  return line === '' || /^HTTP\/[\d.]+\s+2\d\d/.test(line);
}

/** Parses a 207 multistatus body; responses for items the server could not report are left out. */
export function parseMultistatus(xml: string, requestUrl: string): DavResource[] {
  if (/<!DOCTYPE/i.test(xml)) throw new Error('The WebDAV server sent a document type declaration in a multistatus');
  const doc = asRecord(parser.parse(xml));
  const responses = asRecord(doc['multistatus'])['response'];
  const out: DavResource[] = [];
  for (const response of Array.isArray(responses) ? responses : []) {
    const r = asRecord(response);
    const href = text(r['href']);
    if (!href || !ok(r['status'])) continue;
    const props: Record<string, unknown> = {};
    const propstats = Array.isArray(r['propstat']) ? r['propstat'] : [];
    // Properties a server does not have come back in a separate propstat with 404; skip those.
    for (const ps of propstats) if (ok(asRecord(ps)['status'])) Object.assign(props, asRecord(asRecord(ps)['prop']));
    const isDir = 'collection' in asRecord(props['resourcetype']);
    const modified = text(props['getlastmodified']);
    const when = modified ? new Date(modified) : null;
    const resource: DavResource = {
      segments: hrefSegments(href, requestUrl),
      isDir,
      size: isDir ? 0 : number(text(props['getcontentlength'])) ?? 0,
      modifiedAt: when && !Number.isNaN(when.getTime()) ? when : null,
      checksums: parseChecksums(props['checksums']),
    };
    const etag = text(props['getetag']);
    if (etag) resource.etag = etag;
    const fileId = text(props['fileid']);
    if (fileId) resource.fileId = fileId;
    const available = number(text(props['quota-available-bytes']));
    if (available !== undefined) resource.quotaAvailable = available;
    const used = number(text(props['quota-used-bytes']));
    if (used !== undefined) resource.quotaUsed = used;
    out.push(resource);
  }
  return out;
}

/**
 * Splits a Depth 1 answer into the folder itself and its children. The folder is the response
 * whose href is the requested one; if a proxy rewrote the prefix so none matches exactly, it is
 * the shortest href, since every child is one level below it.
 */
export function splitListing(items: DavResource[], folder: string[]): { self?: DavResource; children: DavResource[] } {
  const same = (a: string[]) => a.length === folder.length && a.every((s, i) => s === folder[i]);
  let self = items.find((i) => same(i.segments));
  if (!self && items.length) self = items.reduce((a, b) => (b.segments.length < a.segments.length ? b : a));
  return { self, children: items.filter((i) => i !== self && i.segments.length > 0) };
}
