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
  webhook_url_invalid: 'This webhook address is not valid: give the full https:// address, without a user name or password.',
  address_refused: 'Dossier may not connect to {{host}}: it is a private or local address the operator has not allowed.',
  webhook_delivery_pending: 'This message is still being delivered: wait until it is delivered or given up.',
  vat_id_invalid: '"{{value}}" is not a valid VAT number: check the country prefix and the digits.',
  mailbox_invalid: '"{{mailbox}}" cannot start an e-mail address: use lower-case letters, digits, dots, dashes and underscores.',
  mailbox_taken: 'The address {{address}} is taken: choose another.',
  no_inbound_mail: 'This installation receives no mail itself: give the settings of an IMAP mailbox instead.',
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
  webhook_url_invalid: 'Dit webhookadres is ongeldig: geef het volledige https://-adres, zonder gebruikersnaam of wachtwoord.',
  address_refused: 'Dossier mag geen verbinding maken met {{host}}: het is een privé- of lokaal adres dat de beheerder niet heeft toegestaan.',
  webhook_delivery_pending: 'Dit bericht wordt nog bezorgd: wacht tot het bezorgd is of opgegeven.',
  vat_id_invalid: '"{{value}}" is geen geldig btw-nummer: controleer het landvoorvoegsel en de cijfers.',
  mailbox_invalid: '"{{mailbox}}" kan geen e-mailadres beginnen: gebruik kleine letters, cijfers, punten, streepjes en underscores.',
  mailbox_taken: 'Het adres {{address}} is al in gebruik: kies een ander.',
  no_inbound_mail: 'Deze installatie ontvangt zelf geen e-mail: geef de gegevens van een IMAP-mailbox.',
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
  webhook_url_invalid: 'Cette adresse de webhook n\'est pas valide : donnez l\'adresse https:// complète, sans nom d\'utilisateur ni mot de passe.',
  address_refused: 'Dossier ne peut pas se connecter à {{host}} : c\'est une adresse privée ou locale que l\'administrateur n\'a pas autorisée.',
  webhook_delivery_pending: 'Ce message est encore en cours d\'envoi : attendez qu\'il soit livré ou abandonné.',
  vat_id_invalid: '« {{value}} » n\'est pas un numéro de TVA valide : vérifiez le préfixe du pays et les chiffres.',
  mailbox_invalid: '« {{mailbox}} » ne peut pas commencer une adresse e-mail : utilisez des minuscules, des chiffres, des points, des tirets et des traits de soulignement.',
  mailbox_taken: 'L\'adresse {{address}} est déjà prise : choisissez-en une autre.',
  no_inbound_mail: 'Cette installation ne reçoit pas elle-même de courrier : donnez les paramètres d\'une boîte IMAP.',
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
  webhook_url_invalid: 'Diese Webhook-Adresse ist ungültig: Geben Sie die vollständige https://-Adresse an, ohne Benutzernamen oder Passwort.',
  address_refused: 'Dossier darf sich nicht mit {{host}} verbinden: Es ist eine private oder lokale Adresse, die der Betreiber nicht freigegeben hat.',
  webhook_delivery_pending: 'Diese Nachricht wird noch zugestellt: Warten Sie, bis sie zugestellt oder aufgegeben ist.',
  vat_id_invalid: '„{{value}}" ist keine gültige USt-IdNr.: Prüfen Sie das Länderkürzel und die Ziffern.',
  mailbox_invalid: '„{{mailbox}}" kann keine E-Mail-Adresse beginnen: Verwenden Sie Kleinbuchstaben, Ziffern, Punkte, Bindestriche und Unterstriche.',
  mailbox_taken: 'Die Adresse {{address}} ist vergeben: Wählen Sie eine andere.',
  no_inbound_mail: 'Diese Installation empfängt selbst keine E-Mails: Geben Sie die Daten eines IMAP-Postfachs an.',
};

export const apiErrors = { en, nl, fr, de };
