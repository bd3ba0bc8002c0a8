import type { PdfDocument } from './document.js';
import { PdfDict, PdfName, PdfStream, PdfString, type PdfValue } from './objects.js';

/**
 * Files embedded in a PDF: the /EmbeddedFiles name tree of the catalog and the PDF/A-3
 * associated files (/AF), where Factur-X and ZUGFeRD put their XML. Only file
 * specifications are read here; decoding is left to the caller, who knows the size limit.
 */

export interface EmbeddedFile {
  name: string;
  /** MIME type from the stream's /Subtype (text/xml for Factur-X), if given. */
  mime: string | null;
  /** PDF/A-3 /AFRelationship: Alternative, Data, Source... */
  relationship: string | null;
  stream: PdfStream | null;
}

const MAX_TREE_DEPTH = 32;
const MAX_FILES = 1000;

export function listEmbeddedFiles(doc: PdfDocument): EmbeddedFile[] {
  const catalog = doc.catalog();
  const specs: Array<{ key: string | null; spec: PdfValue | undefined }> = [];
  const names = doc.resolve(catalog.get('Names'));
  if (names instanceof PdfDict) walkNameTree(doc, names.get('EmbeddedFiles'), specs, new Set(), 0);
  const associated = doc.resolve(catalog.get('AF'));
  if (Array.isArray(associated)) for (const spec of associated.slice(0, MAX_FILES)) specs.push({ key: null, spec });

  const seen = new Set<PdfValue>();
  const files: EmbeddedFile[] = [];
  for (const { key, spec } of specs) {
    const dict = doc.resolve(spec);
    if (!(dict instanceof PdfDict) || seen.has(dict)) continue; // the same spec is usually in both places
    seen.add(dict);
    const file = readFileSpec(doc, dict, key);
    if (file) files.push(file);
  }
  return files;
}

function walkNameTree(doc: PdfDocument, nodeRef: PdfValue | undefined, out: Array<{ key: string | null; spec: PdfValue | undefined }>, visited: Set<PdfValue>, depth: number): void {
  const node = doc.resolve(nodeRef);
  if (!(node instanceof PdfDict) || visited.has(node) || depth > MAX_TREE_DEPTH || out.length >= MAX_FILES) return;
  visited.add(node);
  const pairs = doc.resolve(node.get('Names'));
  if (Array.isArray(pairs)) {
    for (let i = 0; i + 1 < pairs.length && out.length < MAX_FILES; i += 2) {
      const key = doc.resolve(pairs[i]);
      out.push({ key: key instanceof PdfString ? key.text() : null, spec: pairs[i + 1] });
    }
  }
  const kids = doc.resolve(node.get('Kids'));
  if (Array.isArray(kids)) for (const kid of kids) walkNameTree(doc, kid, out, visited, depth + 1);
}

function readFileSpec(doc: PdfDocument, spec: PdfDict, key: string | null): EmbeddedFile | null {
  const text = (v: PdfValue | undefined): string | null => {
    const r = doc.resolve(v);
    return r instanceof PdfString ? r.text() : null;
  };
  const name = text(spec.get('UF')) ?? text(spec.get('F')) ?? key;
  if (!name) return null;
  const ef = doc.resolve(spec.get('EF'));
  const streamRef = ef instanceof PdfDict ? (ef.get('UF') ?? ef.get('F')) : undefined;
  const stream = doc.resolve(streamRef);
  const subtype = stream instanceof PdfStream ? stream.dict.get('Subtype') : undefined;
  const relationship = doc.resolve(spec.get('AFRelationship'));
  return {
    name,
    mime: subtype instanceof PdfName ? subtype.name : null,
    relationship: relationship instanceof PdfName ? relationship.name : null,
    stream: stream instanceof PdfStream ? stream : null,
  };
}
