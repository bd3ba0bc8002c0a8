import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { userInvitationMail } from './user-invitations.js';

describe('user invitation mail', () => {
  const expiresAt = new Date('2026-03-01T10:00:00Z');

  it('keeps a user, organization and inviter named with $& and $1 as written', () => {
    const mail = userInvitationMail({
      to: 'u@example.com', name: 'Ann $&', organization: 'Org $1', inviter: 'Bob $$', language: 'en', link: 'https://dossier.example/i/x', expiresAt,
    });
    assert.equal(mail.subject, 'You are invited to Org $1 on Dossier');
    assert.match(mail.text, /^Hello Ann \$&,$/m);
    assert.ok(mail.text.includes('an account at Org $1 on Dossier, from Bob $$. Choose'), mail.text);
    assert.ok(mail.text.includes('until 2026-03-01 10:00 UTC'), mail.text);
  });
});
