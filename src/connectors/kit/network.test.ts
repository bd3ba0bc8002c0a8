import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { isNetworkCode, networkFailure } from './network.js';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('networkFailure', () => {
  it('recognises a refused connection as fetch reports it, with its detail', async () => {
    const err = await fetch(`http://127.0.0.1:${await closedPort()}/`).catch((e: unknown) => e);
    assert.match(networkFailure(err) ?? '', /ECONNREFUSED/);
  });

  it('recognises socket errors by their code, as ssh2 and streams report them', () => {
    for (const code of ['ECONNRESET', 'ENETDOWN', 'EAI_AGAIN', 'UND_ERR_SOCKET']) {
      assert.ok(isNetworkCode(code), code);
      assert.notEqual(networkFailure(Object.assign(new Error(`failed: ${code}`), { code })), null, code);
    }
  });

  it('leaves other errors alone', () => {
    assert.equal(networkFailure(new Error('Unexpected token < in JSON')), null);
    assert.equal(networkFailure(Object.assign(new Error('permission denied'), { code: 'EACCES' })), null);
    assert.equal(isNetworkCode(4), false);
  });
});
