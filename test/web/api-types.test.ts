import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { API_TYPES_PATH, generateApiTypes } from '../../scripts/api-types.js';

test('the web app\'s API types match the server\'s OpenAPI document (else: npm run api-types)', async () => {
  const committed = await readFile(API_TYPES_PATH, 'utf8');
  assert.ok(committed === await generateApiTypes(), 'web/src/api/schema.d.ts is stale: run npm run api-types and commit it.');
});
