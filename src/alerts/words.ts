import type { Language } from '../domain/documents.js';

/**
 * The alert mails, in the recipient's language. `{name}` places are filled by fillTemplate;
 * each mail says what happened and what to do.
 */
export type AlertMailKind = 'destination' | 'channel' | 'webhook' | 'connection' | 'client_connected' | 'digest';
interface Words { subject: string; body: string }

export const ALERT_WORDS: Record<Language, Record<AlertMailKind, Words> & { hello: string; open: string; settings: string; nothing: string }> = {
  en: {
    hello: 'Hello {name},',
    open: 'Open it here:',
    settings: 'You receive this mail because of your alert settings in Dossier ({link}).',
    nothing: 'Nothing needs attention.',
    destination: { subject: 'Backup "{thing}" needs attention', body: 'The backup "{thing}" stopped: {reason}\nNothing is lost: the documents wait and are sent once it works again. You get one mail until it recovers.' },
    channel: { subject: 'Collection channel "{thing}" needs attention', body: 'The collection channel "{thing}" stopped: {reason}\nYou get one mail until it recovers.' },
    webhook: { subject: 'Webhook endpoint "{thing}" was disabled', body: '{reason}' },
    connection: { subject: 'The connection "{thing}" expired', body: 'The provider no longer accepts the connection "{thing}": {reason}\nReconnect it in Dossier.' },
    client_connected: { subject: '{client} connected their folder for "{thing}"', body: '{client} connected their folder to the collection channel "{thing}". The first collection has started.' },
    digest: { subject: 'Dossier: your daily summary', body: 'In the last 24 hours: {backedUp} documents backed up, {received} documents received, {toReview} inbox items to review.' },
  },
  nl: {
    hello: 'Beste {name},',
    open: 'Open het hier:',
    settings: 'U krijgt deze e-mail door uw meldingsinstellingen in Dossier ({link}).',
    nothing: 'Niets vraagt aandacht.',
    destination: { subject: 'Back-up "{thing}" vraagt aandacht', body: 'De back-up "{thing}" is gestopt: {reason}\nEr gaat niets verloren: de documenten wachten en gaan mee zodra het weer werkt. U krijgt één e-mail tot het hersteld is.' },
    channel: { subject: 'Ophaalkanaal "{thing}" vraagt aandacht', body: 'Het ophaalkanaal "{thing}" is gestopt: {reason}\nU krijgt één e-mail tot het hersteld is.' },
    webhook: { subject: 'Webhook-eindpunt "{thing}" is uitgeschakeld', body: '{reason}' },
    connection: { subject: 'De koppeling "{thing}" is verlopen', body: 'De provider aanvaardt de koppeling "{thing}" niet meer: {reason}\nKoppel ze opnieuw in Dossier.' },
    client_connected: { subject: '{client} heeft de map voor "{thing}" gekoppeld', body: '{client} heeft de map gekoppeld aan het ophaalkanaal "{thing}". Het eerste ophalen is begonnen.' },
    digest: { subject: 'Dossier: uw dagelijks overzicht', body: 'De voorbije 24 uur: {backedUp} documenten geback-upt, {received} documenten ontvangen, {toReview} items in de inbox te controleren.' },
  },
  fr: {
    hello: 'Bonjour {name},',
    open: 'Ouvrez-le ici :',
    settings: 'Vous recevez ce message en raison de vos réglages d\'alertes dans Dossier ({link}).',
    nothing: 'Rien ne demande votre attention.',
    destination: { subject: 'La sauvegarde « {thing} » demande votre attention', body: 'La sauvegarde « {thing} » s\'est arrêtée : {reason}\nRien n\'est perdu : les documents attendent et partent dès que cela fonctionne à nouveau. Vous recevez un seul message jusqu\'au rétablissement.' },
    channel: { subject: 'Le canal de collecte « {thing} » demande votre attention', body: 'Le canal de collecte « {thing} » s\'est arrêté : {reason}\nVous recevez un seul message jusqu\'au rétablissement.' },
    webhook: { subject: 'Le point de terminaison webhook « {thing} » a été désactivé', body: '{reason}' },
    connection: { subject: 'La connexion « {thing} » a expiré', body: 'Le fournisseur n\'accepte plus la connexion « {thing} » : {reason}\nReconnectez-la dans Dossier.' },
    client_connected: { subject: '{client} a connecté son dossier pour « {thing} »', body: '{client} a connecté son dossier au canal de collecte « {thing} ». La première collecte a commencé.' },
    digest: { subject: 'Dossier : votre résumé quotidien', body: 'Ces dernières 24 heures : {backedUp} documents sauvegardés, {received} documents reçus, {toReview} éléments de la boîte de réception à vérifier.' },
  },
  de: {
    hello: 'Guten Tag {name},',
    open: 'Hier öffnen:',
    settings: 'Sie erhalten diese E-Mail aufgrund Ihrer Benachrichtigungseinstellungen in Dossier ({link}).',
    nothing: 'Nichts erfordert Ihre Aufmerksamkeit.',
    destination: { subject: 'Sicherung „{thing}" erfordert Aufmerksamkeit', body: 'Die Sicherung „{thing}" wurde angehalten: {reason}\nNichts geht verloren: die Belege warten und werden gesendet, sobald es wieder funktioniert. Sie erhalten eine E-Mail, bis es behoben ist.' },
    channel: { subject: 'Abholkanal „{thing}" erfordert Aufmerksamkeit', body: 'Der Abholkanal „{thing}" wurde angehalten: {reason}\nSie erhalten eine E-Mail, bis es behoben ist.' },
    webhook: { subject: 'Webhook-Endpunkt „{thing}" wurde deaktiviert', body: '{reason}' },
    connection: { subject: 'Die Verbindung „{thing}" ist abgelaufen', body: 'Der Anbieter akzeptiert die Verbindung „{thing}" nicht mehr: {reason}\nVerbinden Sie sie in Dossier neu.' },
    client_connected: { subject: '{client} hat den Ordner für „{thing}" verbunden', body: '{client} hat den Ordner mit dem Abholkanal „{thing}" verbunden. Die erste Abholung hat begonnen.' },
    digest: { subject: 'Dossier: Ihre tägliche Übersicht', body: 'In den letzten 24 Stunden: {backedUp} Belege gesichert, {received} Belege empfangen, {toReview} Einträge im Posteingang zu prüfen.' },
  },
};
