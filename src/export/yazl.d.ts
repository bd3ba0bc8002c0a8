// The part of yazl (MIT, no types published with it) that the export uses.
declare module 'yazl' {
  import type { Readable } from 'node:stream';
  interface EntryOptions { mtime?: Date; mode?: number; compress?: boolean; size?: number }
  export class ZipFile {
    outputStream: Readable;
    addBuffer(buffer: Buffer, metadataPath: string, options?: EntryOptions): void;
    addReadStreamLazy(metadataPath: string, options: EntryOptions, getReadStream: (cb: (err: Error | null, stream?: Readable) => void) => void): void;
    end(options?: { forceZip64Format?: boolean }): void;
  }
}
