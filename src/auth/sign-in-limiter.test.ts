import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientKey, SignInLimiter } from './sign-in-limiter.js';
import { testDatabases } from '../../test/helpers/databases.js';

for (const database of await testDatabases()) {
  test(`the sign-in limiter on ${database.name}: five attempts per account and client, a window that ends, success clears`, { skip: database.skip }, async (t) => {
    const { db, drop } = await database.open();
    t.after(drop);
    let now = 1_000_000;
    const limiter = new SignInLimiter(db, { perAccountAndClient: 5, perClient: 7, windowMs: 1000 }, () => now);
    for (let i = 0; i < 5; i++) { assert.equal((await limiter.attempt('a@x', '10.0.0.1')).retryAfterMs, 0); now += 10; }
    assert.equal((await limiter.attempt('A@x', '10.0.0.1')).retryAfterMs, 1000 - 50, 'the sixth waits for the window opened by the first');
    assert.equal((await limiter.attempt('a@x', '10.0.0.2')).retryAfterMs, 0, 'another client is not locked out');
    now += 1000;
    const after = await limiter.attempt('a@x', '10.0.0.1');
    assert.equal(after.retryAfterMs, 0, 'a new window');
    await after.succeeded();
    for (let i = 0; i < 5; i++) assert.equal((await limiter.attempt('a@x', '10.0.0.1')).retryAfterMs, 0, 'success cleared the count');
    // The address's own cap counts attempts for any account, the successful one taken back: 5 so far.
    assert.equal((await limiter.attempt('b@x', '10.0.0.1')).retryAfterMs, 0);
    assert.equal((await limiter.attempt('c@x', '10.0.0.1')).retryAfterMs, 0);
    assert.ok((await limiter.attempt('d@x', '10.0.0.1')).retryAfterMs > 0, 'the eighth attempt from one address in the window is refused');
  });
}

test('an IPv6 client is its /64; an IPv4-mapped address is the IPv4 address', () => {
  assert.equal(clientKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
  assert.equal(clientKey('2001:0db8:0001:0002:ffff:1:2:3'), '2001:db8:1:2::/64');
  assert.equal(clientKey('2001:db8::5'), '2001:db8:0:0::/64');
  assert.equal(clientKey('::ffff:192.0.2.1'), '192.0.2.1');
  assert.equal(clientKey('192.0.2.1'), '192.0.2.1');
});
