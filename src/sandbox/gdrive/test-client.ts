import type { GdriveEmulator } from './server.js';

/** A bare Drive v3 client over fetch for the emulator's own tests: one user, raw responses. */
export function driveCaller(emu: GdriveEmulator, user: string) {
  let token = emu.tokenFor(user);
  const call = (method: string, path: string, init: { json?: unknown; body?: Uint8Array | string; headers?: Record<string, string>; auth?: boolean } = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.auth !== false) headers.Authorization = `Bearer ${token}`;
    if (init.json !== undefined) headers['Content-Type'] = 'application/json; charset=UTF-8';
    return fetch(path.startsWith('http') ? path : emu.url + path, {
      method, headers, redirect: 'manual', body: init.json !== undefined ? JSON.stringify(init.json) : (init.body as BodyInit | undefined),
    });
  };
  const json = async (res: Response) => (await res.json()) as Record<string, any>;
  const mkdir = async (name: string, parent = 'root') =>
    json(await call('POST', '/drive/v3/files?fields=id,name,parents,createdTime', { json: { name, mimeType: 'application/vnd.google-apps.folder', parents: [parent] } }));
  /** A multipart upload of `data` as `name` in `parent`; `fileId` updates that file instead. */
  const upload = (name: string, data: Buffer, parent = 'root', fileId?: string, fields = 'id,name,size,md5Checksum,sha1Checksum,sha256Checksum,parents') => {
    const boundary = 'b0undary';
    const meta = fileId ? { name } : { name, parents: [parent] };
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n${JSON.stringify(meta)}\r\n--${boundary}\r\nContent-Type: application/octet-stream\r\n\r\n`),
      data, Buffer.from(`\r\n--${boundary}--`),
    ]);
    const path = fileId ? `/upload/drive/v3/files/${fileId}` : '/upload/drive/v3/files';
    return call(fileId ? 'PATCH' : 'POST', `${path}?uploadType=multipart&fields=${fields}`, { body, headers: { 'Content-Type': `multipart/related; boundary=${boundary}` } });
  };
  return { call, json, mkdir, upload, refresh: () => { token = emu.tokenFor(user); } };
}
