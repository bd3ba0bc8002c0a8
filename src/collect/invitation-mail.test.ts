import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { invitationMail } from './invitation-mail.js';

describe('invitation mail', () => {
  const expiresAt = new Date('2026-03-01T10:00:00Z');

  it('keeps a client, firm and company named with $& and $1 as written', () => {
    const mail = invitationMail({
      to: 'c@example.com', clientName: 'Jo $& Co', firm: 'Firm $1', company: 'R&D $&$1 BV', provider: 'Dropbox',
      language: 'en', link: 'https://dossier.example/connect/x', expiresAt, reconnect: false, move: false,
    });
    assert.equal(mail.subject, 'Firm $1 asks you to connect your Dropbox folder');
    assert.match(mail.text, /^Hello Jo \$& Co,$/m);
    assert.ok(mail.text.includes('the documents of R&D $&$1 BV from'), mail.text);
  });
});
