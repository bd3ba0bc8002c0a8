import { headerJson } from './routes.js';
import type { DropboxEmulator } from './server.js';

/** Raw calls against the emulator for its own tests: RPC with JSON, content routes with Dropbox-API-Arg. */
export function rawClient(emu: DropboxEmulator, token: () => string) {
  const rpc = (route: string, arg?: unknown, headers: Record<string, string> = {}) => fetch(`${emu.url}/${route}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token()}`, ...(arg === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    body: arg === undefined ? undefined : JSON.stringify(arg),
  });
  const content = (route: string, arg: unknown, data?: Buffer, headers: Record<string, string> = {}) => fetch(`${emu.contentUrl}/${route}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token()}`, 'Dropbox-API-Arg': headerJson(arg), ...(data ? { 'Content-Type': 'application/octet-stream' } : {}), ...headers },
    body: data as BodyInit | undefined,
  });
  const json = async (res: Response) => (await res.json()) as Record<string, any>;
  /** The parsed body and status of a call. */
  const answer = async (pending: Response | Promise<Response>) => { const res = await pending; return { status: res.status, body: res.headers.get('content-type')?.startsWith('application/json') ? await json(res) : await res.text() as any }; };
  return { rpc, content, json, answer };
}
