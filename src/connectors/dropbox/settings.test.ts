import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { DROPBOX_API_URL, DROPBOX_CONTENT_URL, dropboxDefinition, dropboxSettings } from './index.js';

describe('Dropbox settings', () => {
  it('default to the app folder on the real service', () => {
    assert.deepEqual(dropboxSettings.parse({}), { access: 'app_folder', root: '', apiUrl: DROPBOX_API_URL, contentUrl: DROPBOX_CONTENT_URL });
  });

  it('ask for a folder with full Dropbox access, and refuse dot parts', () => {
    const full = dropboxSettings.safeParse({ access: 'full' });
    assert.equal(full.success, false);
    assert.match(full.error!.issues[0]!.message, /name a folder/);
    assert.equal(dropboxSettings.parse({ access: 'full', root: 'Dossier' }).root, 'Dossier');
    assert.equal(dropboxSettings.safeParse({ root: 'a/../b' }).success, false);
  });

  it('describe themselves as JSON schema, as the destinations API shows them', () => {
    const schema = z.toJSONSchema(dropboxDefinition.settings, { io: 'input', unrepresentable: 'any' }) as { properties: Record<string, unknown> };
    assert.deepEqual(Object.keys(schema.properties).sort(), ['access', 'apiUrl', 'contentUrl', 'root']);
  });

  it('need a sign-in to create a connector', async () => {
    await assert.rejects(dropboxDefinition.create(dropboxSettings.parse({}), {}), /no sign-in/);
  });
});
