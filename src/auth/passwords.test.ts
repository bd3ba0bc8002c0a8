import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generatePassword, hashPassword, verifyPassword } from './passwords.js';

test('a password hash verifies the password and nothing else; a malformed hash verifies nothing', async () => {
  const hash = await hashPassword('Grüße aus Köln');
  assert.match(hash, /^scrypt\$32768\$8\$1\$/);
  assert.notEqual(hash, await hashPassword('Grüße aus Köln'), 'a new salt each time');
  assert.equal(await verifyPassword('Grüße aus Köln', hash), true);
  assert.equal(await verifyPassword('Grüße aus Köln'.normalize('NFD'), hash), true, 'the same text in another Unicode form');
  assert.equal(await verifyPassword('grüße aus köln', hash), false);
  for (const bad of [null, '', 'scrypt$1$2', 'md5$x$y$z$a$b', hash.replace('32768', '99999999')]) assert.equal(await verifyPassword('x', bad), false);
});

test('an initial password is four groups of five unambiguous characters', () => {
  const p = generatePassword();
  assert.match(p, /^[a-hj-km-np-z2-9]{5}(-[a-hj-km-np-z2-9]{5}){3}$/);
  assert.notEqual(p, generatePassword());
});
