import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { invitationMail } from './invitation-mail.js';

describe('invitation mail', () => {
  const expiresAt = new Date('2026-03-01T10:00:00Z');

  it('keeps a client, firm and company named with $& and $1 as written', () => {
    const mail = invitationMail({
      to: 'c@example.com', clientName: 'Jo $& Co', firm: 'Firm $1', company: 'R&D $&$1 BV', provider: 'Dropbox',
      language: 'en', link: 'https://dossier.example/connect/x', expiresAt, purpose: 'connect', move: false,
    });
    assert.equal(mail.subject, 'Firm $1 asks you to connect your Dropbox folder');
    assert.match(mail.text, /^Hello Jo \$& Co,$/m);
    assert.ok(mail.text.includes('the documents of R&D $&$1 BV from'), mail.text);
  });

  it('a reminder to a client whose folder is connected and working does not say it stopped working', () => {
    for (const language of ['en', 'nl', 'fr', 'de'] as const) {
      const base = { to: 'c@example.com', clientName: null, firm: 'Firm', company: 'Acme', provider: 'OneDrive', language, link: 'https://d.example/connect/x', expiresAt, move: false };
      const reminder = invitationMail({ ...base, purpose: 'reminder' }).text;
      const reconnect = invitationMail({ ...base, purpose: 'reconnect' }).text;
      assert.doesNotMatch(reminder, /stopped working|werkt niet meer|ne fonctionne plus|funktioniert nicht mehr/, language);
      assert.match(reconnect, /stopped working|werkt niet meer|ne fonctionne plus|funktioniert nicht mehr/, language);
      assert.ok(reminder.includes('https://d.example/connect/x'));
    }
  });
});

describe('invitation mail in the client\'s language', () => {
  const base = {
    to: 'c@example.com', clientName: null, firm: 'Boekhouding Peeters', company: 'Bakkerij BV', provider: 'OneDrive',
    link: 'https://dossier.example/connect/x', expiresAt: new Date('2026-03-01T10:00:00Z'), purpose: 'connect' as const, move: false,
  };
  const greeting = { nl: 'Beste,', fr: 'Bonjour,', de: 'Guten Tag,', en: 'Hello,' } as const;
  const closing = { nl: 'Met vriendelijke groeten,', fr: 'Bien cordialement,', de: 'Mit freundlichen Grüßen', en: 'Kind regards,' } as const;

  for (const language of ['nl', 'fr', 'de', 'en'] as const) {
    it(`is written in ${language}, sent under the firm's name and signed by it`, () => {
      const mail = invitationMail({ ...base, language });
      assert.equal(mail.fromName, 'Boekhouding Peeters');
      assert.match(mail.text, new RegExp(`^${greeting[language]}$`, 'm'));
      assert.ok(mail.text.trimEnd().endsWith(`${closing[language]}\nBoekhouding Peeters`), mail.text);
      assert.ok(mail.subject.startsWith('Boekhouding Peeters '), mail.subject);
    });
  }

  it('falls back to English when no language is known', () => {
    assert.match(invitationMail({ ...base, language: null }).text, /^Hello,$/m);
  });
});
