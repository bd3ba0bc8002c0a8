import type { ErrorReasonKey } from '../../../src/domain/errors.js';

/**
 * The server's reasons (ERROR_REASONS in the domain), said in each language with the error's
 * params. The server's own message stays English: it is for API clients and the logs.
 */
type Sentences = Record<ErrorReasonKey, string>;

const en: Sentences = {
  run_in_progress: 'A collection of this channel is already under way: wait for it to end, then run it again if needed.',
  layout_unknown_token: 'The folder structure uses {{token}}, which Dossier does not know. Use only the fields listed under the box.',
  layout_empty_folder: 'The folder structure has an empty folder name: separate folders with a single slash (/).',
  layout_no_file: 'The last part of the folder structure names the file: it must contain {file} or {number}.',
  file_type_refused: '"{{file}}" is not a PDF, an XML file or an image: it was not uploaded.',
  file_empty: '"{{file}}" is empty (0 bytes): it was not uploaded.',
  wrong_password: 'The e-mail address or the password is wrong. Check them and try again.',
  channel_paused: '"{{name}}" is paused: resume it first.',
  channel_waiting: '"{{name}}" is waiting for the client to connect the folder: there is nothing to collect yet.',
  not_found_thing: 'This item ({{id}}) does not exist (any more) in your organization.',
  admin_only: 'Only an administrator of the organization may do this. Ask one to do it for you.',
  csrf_missing: 'The page is out of date: reload it and try again.',
  missing_right: 'This needs the right "{{right}}", which your user does not have. Ask a user who manages users to give it to you.',
  session_ended: 'Your session has ended: sign in again.',
  password_too_short: 'Choose a password of at least {{min}} characters.',
  current_password_wrong: 'The current password is not right.',
  invalid_fields: 'Check these fields: {{fields}}.',
};

const nl: Sentences = {
  run_in_progress: 'Er loopt al een ophaling van dit kanaal: wacht tot die klaar is en start zo nodig opnieuw.',
  layout_unknown_token: 'De mappenstructuur gebruikt {{token}}, dat Dossier niet kent. Gebruik alleen de velden onder het vak.',
  layout_empty_folder: 'De mappenstructuur heeft een lege mapnaam: scheid mappen met één schuine streep (/).',
  layout_no_file: 'Het laatste deel van de mappenstructuur is de bestandsnaam: het moet {file} of {number} bevatten.',
  file_type_refused: '"{{file}}" is geen PDF, XML-bestand of afbeelding: het werd niet opgeladen.',
  file_empty: '"{{file}}" is leeg (0 bytes): het werd niet opgeladen.',
  wrong_password: 'Het e-mailadres of het wachtwoord klopt niet. Controleer ze en probeer opnieuw.',
  channel_paused: '"{{name}}" is gepauzeerd: hervat het eerst.',
  channel_waiting: '"{{name}}" wacht tot de klant de map koppelt: er is nog niets op te halen.',
  not_found_thing: 'Dit item ({{id}}) bestaat niet (meer) in uw organisatie.',
  admin_only: 'Alleen een beheerder van de organisatie mag dit. Vraag er een om het voor u te doen.',
  csrf_missing: 'De pagina is verouderd: laad ze opnieuw en probeer nog eens.',
  missing_right: 'Hiervoor is het recht "{{right}}" nodig, dat uw gebruiker niet heeft. Vraag het aan iemand die gebruikers beheert.',
  session_ended: 'Uw sessie is afgelopen: meld u opnieuw aan.',
  password_too_short: 'Kies een wachtwoord van minstens {{min}} tekens.',
  current_password_wrong: 'Het huidige wachtwoord klopt niet.',
  invalid_fields: 'Controleer deze velden: {{fields}}.',
};

const fr: Sentences = {
  run_in_progress: 'Une collecte de ce canal est déjà en cours : attendez qu\'elle se termine, puis relancez-la si nécessaire.',
  layout_unknown_token: 'La structure de dossiers utilise {{token}}, que Dossier ne connaît pas. Utilisez uniquement les champs listés sous la case.',
  layout_empty_folder: 'La structure de dossiers contient un nom de dossier vide : séparez les dossiers par une seule barre oblique (/).',
  layout_no_file: 'La dernière partie de la structure nomme le fichier : elle doit contenir {file} ou {number}.',
  file_type_refused: '« {{file}} » n\'est ni un PDF, ni un fichier XML, ni une image : il n\'a pas été envoyé.',
  file_empty: '« {{file}} » est vide (0 octet) : il n\'a pas été envoyé.',
  wrong_password: 'L\'adresse e-mail ou le mot de passe est incorrect. Vérifiez-les et réessayez.',
  channel_paused: '« {{name}} » est en pause : reprenez-le d\'abord.',
  channel_waiting: '« {{name}} » attend que le client connecte le dossier : il n\'y a encore rien à collecter.',
  not_found_thing: 'Cet élément ({{id}}) n\'existe pas (ou plus) dans votre organisation.',
  admin_only: 'Seul un administrateur de l\'organisation peut faire cela. Demandez-lui de le faire pour vous.',
  csrf_missing: 'La page n\'est plus à jour : rechargez-la et réessayez.',
  missing_right: 'Il faut pour cela le droit « {{right}} », que votre utilisateur n\'a pas. Demandez-le à quelqu\'un qui gère les utilisateurs.',
  session_ended: 'Votre session a pris fin : reconnectez-vous.',
  password_too_short: 'Choisissez un mot de passe d\'au moins {{min}} caractères.',
  current_password_wrong: 'Le mot de passe actuel est incorrect.',
  invalid_fields: 'Vérifiez ces champs : {{fields}}.',
};

const de: Sentences = {
  run_in_progress: 'Eine Abholung dieses Kanals läuft bereits: Warten Sie, bis sie fertig ist, und starten Sie sie bei Bedarf erneut.',
  layout_unknown_token: 'Die Ordnerstruktur verwendet {{token}}, das Dossier nicht kennt. Verwenden Sie nur die Felder unter dem Feld.',
  layout_empty_folder: 'Die Ordnerstruktur hat einen leeren Ordnernamen: Trennen Sie Ordner mit einem einzigen Schrägstrich (/).',
  layout_no_file: 'Der letzte Teil der Ordnerstruktur benennt die Datei: Er muss {file} oder {number} enthalten.',
  file_type_refused: '„{{file}}" ist weder ein PDF noch eine XML-Datei noch ein Bild: Es wurde nicht hochgeladen.',
  file_empty: '„{{file}}" ist leer (0 Byte): Es wurde nicht hochgeladen.',
  wrong_password: 'Die E-Mail-Adresse oder das Passwort ist falsch. Prüfen Sie beides und versuchen Sie es erneut.',
  channel_paused: '„{{name}}" ist pausiert: Setzen Sie ihn zuerst fort.',
  channel_waiting: '„{{name}}" wartet darauf, dass der Kunde den Ordner verbindet: Es gibt noch nichts abzuholen.',
  not_found_thing: 'Dieser Eintrag ({{id}}) existiert (nicht mehr) in Ihrer Organisation.',
  admin_only: 'Nur ein Administrator der Organisation darf das. Bitten Sie einen, es für Sie zu tun.',
  csrf_missing: 'Die Seite ist veraltet: Laden Sie sie neu und versuchen Sie es erneut.',
  missing_right: 'Dafür ist das Recht „{{right}}" nötig, das Ihr Benutzer nicht hat. Bitten Sie jemanden, der Benutzer verwaltet, darum.',
  session_ended: 'Ihre Sitzung ist abgelaufen: Melden Sie sich erneut an.',
  password_too_short: 'Wählen Sie ein Passwort mit mindestens {{min}} Zeichen.',
  current_password_wrong: 'Das aktuelle Passwort ist falsch.',
  invalid_fields: 'Prüfen Sie diese Felder: {{fields}}.',
};

export const apiErrors = { en, nl, fr, de };
