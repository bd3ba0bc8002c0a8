import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { refusedFile, sniffDocumentType } from './file-types.js';

describe('what a document file is, by its first bytes', () => {
  it('knows PDF, XML, JPEG, PNG, TIFF and HEIC, whatever the name says', () => {
    const b = (s: string) => Buffer.from(s, 'latin1');
    assert.equal(sniffDocumentType(b('%PDF-1.7\n')), 'pdf');
    assert.equal(sniffDocumentType(b('\r\n%PDF-1.4')), 'pdf', 'a little junk before the header, as readers allow');
    assert.equal(sniffDocumentType(b('  <?xml version="1.0"?>')), 'xml');
    assert.equal(sniffDocumentType(b('<Invoice xmlns="urn:x">')), 'xml');
    assert.equal(sniffDocumentType(Buffer.from('\ufeff<?xml', 'utf16le')), 'xml', 'UTF-16 with its byte order mark');
    assert.equal(sniffDocumentType(b('\xff\xd8\xff\xe0')), 'jpeg');
    assert.equal(sniffDocumentType(b('\x89PNG\r\n\x1a\n')), 'png');
    assert.equal(sniffDocumentType(b('MM\x00*')), 'tiff');
    assert.equal(sniffDocumentType(b('\x00\x00\x00\x18ftypheic')), 'heic');
    for (const other of ['MZ\x90\x00', '<!DOCTYPE html><html>', 'PK\x03\x04', 'plain text']) assert.equal(sniffDocumentType(b(other)), null, other);
  });

  it('says why a file is refused', () => {
    assert.equal(refusedFile(Buffer.alloc(0), 'a.pdf')?.reason, 'file_empty');
    assert.match(refusedFile(Buffer.from('MZ\x90\x00', 'latin1'), 'a.pdf')!.message, /Windows program/);
    assert.equal(refusedFile(Buffer.from('%PDF-1.4'), 'a.pdf'), null);
  });
});
