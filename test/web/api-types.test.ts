import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { API_TYPES_DIR, generateApiTypes } from '../../scripts/api-types.js';

test('the web app\'s API types match the server\'s OpenAPI document (else: npm run api-types)', async () => {
  const files = await generateApiTypes();
  for (const [path, text] of files) {
    const committed = await readFile(path, 'utf8').catch(() => null);
    assert.ok(committed === text, `${path} is stale or missing: run npm run api-types and commit it.`);
  }
  const stray = (await readdir(API_TYPES_DIR)).filter((f) => !files.has(join(API_TYPES_DIR, f)));
  assert.deepEqual(stray, [], 'files of API areas that no longer exist: run npm run api-types');
});
