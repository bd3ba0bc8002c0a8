import type { Language } from '../domain/documents.js';
import type { Mail } from '../mail/mailer.js';
import { fillTemplate, inLanguage, mailTime, signature } from '../mail/template.js';

/** The invitation e-mail, in the client's language (else the company's), sent and signed in the firm's name. */
interface Words { subject: string; hello: string; body: string; reconnect: string; reminder: string; valid: string; ignore: string }

const WORDS: Record<Language, Words> = {
  en: {
    subject: '{firm} asks you to connect your {provider} folder',
    hello: 'Hello{name},',
    body: '{firm} collects the documents of {company} from a folder you choose in your {provider}. Dossier only reads that folder; nothing in it is changed or deleted{move}. Connect it here:',
    reconnect: 'The connection to your {provider} folder for {company} stopped working. Connect it again here:',
    reminder: '{firm} already collects the documents of {company} from your {provider} folder, and that keeps working: nothing needs doing. Should you want to connect another folder or account, use this link:',
    valid: 'The link works once and until {until}.',
    ignore: 'If you did not expect this e-mail, ignore it: nothing happens without your consent.',
  },
  nl: {
    subject: '{firm} vraagt u uw {provider}-map te koppelen',
    hello: 'Beste{name},',
    body: '{firm} haalt de documenten van {company} op uit een map die u kiest in uw {provider}. Dossier leest die map alleen; er wordt niets in gewijzigd of verwijderd{move}. Koppel ze hier:',
    reconnect: 'De koppeling met uw {provider}-map voor {company} werkt niet meer. Koppel ze hier opnieuw:',
    reminder: '{firm} haalt de documenten van {company} al op uit uw {provider}-map, en dat blijft werken: u hoeft niets te doen. Wilt u een andere map of account koppelen, gebruik dan deze link:',
    valid: 'De link werkt één keer, tot {until}.',
    ignore: 'Verwachtte u deze e-mail niet? Negeer hem dan: zonder uw toestemming gebeurt er niets.',
  },
  fr: {
    subject: '{firm} vous invite à connecter votre dossier {provider}',
    hello: 'Bonjour{name},',
    body: '{firm} collecte les documents de {company} dans un dossier que vous choisissez dans votre {provider}. Dossier ne fait que lire ce dossier ; rien n\'y est modifié ni supprimé{move}. Connectez-le ici :',
    reconnect: 'La connexion à votre dossier {provider} pour {company} ne fonctionne plus. Reconnectez-le ici :',
    reminder: '{firm} collecte déjà les documents de {company} dans votre dossier {provider}, et cela continue de fonctionner : vous n\'avez rien à faire. Si vous souhaitez connecter un autre dossier ou compte, utilisez ce lien :',
    valid: 'Le lien fonctionne une fois, jusqu\'au {until}.',
    ignore: 'Si vous n\'attendiez pas ce message, ignorez-le : rien ne se passe sans votre accord.',
  },
  de: {
    subject: '{firm} bittet Sie, Ihren {provider}-Ordner zu verbinden',
    hello: 'Guten Tag{name},',
    body: '{firm} holt die Belege von {company} aus einem Ordner, den Sie in Ihrem {provider} wählen. Dossier liest diesen Ordner nur; nichts darin wird geändert oder gelöscht{move}. Verbinden Sie ihn hier:',
    reconnect: 'Die Verbindung zu Ihrem {provider}-Ordner für {company} funktioniert nicht mehr. Verbinden Sie ihn hier neu:',
    reminder: '{firm} holt die Belege von {company} bereits aus Ihrem {provider}-Ordner, und das funktioniert weiter: Sie müssen nichts tun. Möchten Sie einen anderen Ordner oder ein anderes Konto verbinden, nutzen Sie diesen Link:',
    valid: 'Der Link funktioniert einmal, bis {until}.',
    ignore: 'Wenn Sie diese E-Mail nicht erwartet haben, ignorieren Sie sie: ohne Ihre Zustimmung geschieht nichts.',
  },
};

const MOVE: Record<Language, string> = {
  en: ' (collected files are moved to a "Collected" subfolder)',
  nl: ' (opgehaalde bestanden gaan naar een submap "Collected")',
  fr: ' (les fichiers collectés sont déplacés dans un sous-dossier « Collected »)',
  de: ' (abgeholte Dateien werden in einen Unterordner „Collected" verschoben)',
};

export interface InvitationMail {
  to: string; clientName: string | null; firm: string; company: string; provider: string; language: Language | null;
  link: string; expiresAt: Date; purpose: 'connect' | 'reconnect' | 'reminder'; move: boolean;
}

export function invitationMail(m: InvitationMail): Mail {
  const { language, words: w } = inLanguage(WORDS, m.language);
  const fill = (s: string) => fillTemplate(s, {
    firm: m.firm, company: m.company, provider: m.provider, name: m.clientName ? ` ${m.clientName}` : '', move: m.move ? MOVE[language] : '',
    until: mailTime(m.expiresAt),
  });
  const text = [fill(w.hello), '', fill(w[m.purpose === 'connect' ? 'body' : m.purpose]), '', m.link, '', fill(w.valid), fill(w.ignore), '', signature(language, m.firm), ''].join('\n');
  return { to: m.to, subject: fill(w.subject), text, fromName: m.firm };
}
