/**
 * The messages of trying Dossier out: the sandbox's drives page and the screen that confirms a
 * newly linked backup, in every language. Kept apart from the locale files, like firm.ts, so
 * work on other pages merges cleanly; the locale files spread them in.
 */
const en = {
  serverFolders: { browse: 'Choose the folder on the server', hide: 'Hide the folders', login: 'Login folder', address: 'The address', hint: 'Test the connection first (and confirm the host key): then the server\'s folders can be browsed here.' },
  sandbox: {
    nav: 'Sandbox', title: 'Sandbox drives',
    intro: 'The emulated cloud accounts of this installation, as your backups and your clients\' channels signed in to them. Nothing leaves the server, and everything here is gone at the next restart.',
    tryIt: 'Put an invoice into a client\'s folder, as the client would: the channel collects it at once and it arrives in the inbox.',
    none: 'No sandbox account is connected yet. Set up a backup to OneDrive, Google Drive or Dropbox in the sandbox, or a collection channel whose client connects in the sandbox.',
    setUpBackup: 'Set up a backup', setUpChannel: 'Set up a collection channel',
    readBy: 'Collected by "{{name}}" from {{folder}}', writtenBy: 'Backup "{{name}}" writes here',
    files_one: '{{count}} file', files_other: '{{count}} files', empty: 'No files yet.', truncated: 'Only the first 200 files are shown.',
    folder: 'Put it in the folder', top: 'The top of the account',
    drop: 'Drop a file here to put it into {{folder}}', tap: 'Tap to choose a file for {{folder}}', dropHint: 'A PDF, an XML invoice or an image, up to 25 MB.',
    put: '"{{file}}" is now in {{folder}}.', collecting: '"{{channel}}" is collecting it now…', collected: '"{{channel}}" collected it: it is in the inbox.',
    collectFailed: '"{{channel}}" could not collect it: open the channel to see why.', openInbox: 'Open the inbox', openChannel: 'Open the channel',
    notCollected: 'No active channel reads this folder: the file stays in the drive.', try: 'Try collection in the sandbox',
  },
  linked: {
    title: 'Your backup is linked', intro: '"{{name}}" is set up. Here is what happens now.',
    destination: 'Where', folder: 'Folder', layout: 'Folder structure', example: 'For example', schedule: 'When',
    first: 'The first full backup', firstStarted: 'Started: every document of the company is copied now.', firstWaiting: 'Waiting to start…',
    firstDone_one: 'Done: {{count}} document copied.', firstDone_other: 'Done: {{count}} documents copied.', firstDoneNone: 'Done: there were no documents to copy yet. New ones are copied as they arrive.',
    firstFailed: 'Finished with problems: open the backup to see which documents and why.',
    next: 'Go on', openBackup: 'Open the backup', uploadDocuments: 'Upload documents', anotherBackup: 'Set up another backup', overview: 'To the overview',
  },
};

export type TryoutMessages = typeof en;

const nl: TryoutMessages = {
  serverFolders: { browse: 'De map op de server kiezen', hide: 'De mappen verbergen', login: 'Aanmeldmap', address: 'Het adres', hint: 'Test eerst de verbinding (en bevestig de hostsleutel): daarna kunt u hier door de mappen van de server bladeren.' },
  sandbox: {
    nav: 'Sandbox', title: 'Sandbox-opslag',
    intro: 'De nagebootste cloudaccounts van deze installatie, zoals uw back-ups en de kanalen van uw klanten zich erop aanmeldden. Niets verlaat de server, en alles hier is weg bij de volgende herstart.',
    tryIt: 'Zet een factuur in de map van een klant, zoals de klant zou doen: het kanaal haalt ze meteen op en ze komt in de inbox.',
    none: 'Er is nog geen sandbox-account verbonden. Stel een back-up naar OneDrive, Google Drive of Dropbox in de sandbox in, of een ophaalkanaal waarvan de klant in de sandbox verbindt.',
    setUpBackup: 'Een back-up instellen', setUpChannel: 'Een ophaalkanaal instellen',
    readBy: 'Opgehaald door "{{name}}" uit {{folder}}', writtenBy: 'Back-up "{{name}}" schrijft hierin',
    files_one: '{{count}} bestand', files_other: '{{count}} bestanden', empty: 'Nog geen bestanden.', truncated: 'Alleen de eerste 200 bestanden worden getoond.',
    folder: 'Zet het in de map', top: 'De bovenste map van het account',
    drop: 'Sleep een bestand hierheen om het in {{folder}} te zetten', tap: 'Tik om een bestand te kiezen voor {{folder}}', dropHint: 'Een pdf, een XML-factuur of een afbeelding, tot 25 MB.',
    put: '"{{file}}" staat nu in {{folder}}.', collecting: '"{{channel}}" haalt het nu op…', collected: '"{{channel}}" heeft het opgehaald: het staat in de inbox.',
    collectFailed: '"{{channel}}" kon het niet ophalen: open het kanaal om te zien waarom.', openInbox: 'De inbox openen', openChannel: 'Het kanaal openen',
    notCollected: 'Geen actief kanaal leest deze map: het bestand blijft in de opslag.', try: 'Ophalen uitproberen in de sandbox',
  },
  linked: {
    title: 'Uw back-up is gekoppeld', intro: '"{{name}}" is ingesteld. Dit gebeurt er nu.',
    destination: 'Waar', folder: 'Map', layout: 'Mappenstructuur', example: 'Bijvoorbeeld', schedule: 'Wanneer',
    first: 'De eerste volledige back-up', firstStarted: 'Gestart: elk document van het bedrijf wordt nu gekopieerd.', firstWaiting: 'Wacht om te starten…',
    firstDone_one: 'Klaar: {{count}} document gekopieerd.', firstDone_other: 'Klaar: {{count}} documenten gekopieerd.', firstDoneNone: 'Klaar: er waren nog geen documenten om te kopiëren. Nieuwe worden gekopieerd zodra ze binnenkomen.',
    firstFailed: 'Klaar met problemen: open de back-up om te zien welke documenten en waarom.',
    next: 'Verder', openBackup: 'De back-up openen', uploadDocuments: 'Documenten uploaden', anotherBackup: 'Nog een back-up instellen', overview: 'Naar het overzicht',
  },
};

const fr: TryoutMessages = {
  serverFolders: { browse: 'Choisir le dossier sur le serveur', hide: 'Masquer les dossiers', login: 'Dossier de connexion', address: 'L\'adresse', hint: 'Testez d\'abord la connexion (et confirmez la clé d\'hôte) : vous pourrez ensuite parcourir ici les dossiers du serveur.' },
  sandbox: {
    nav: 'Bac à sable', title: 'Stockages du bac à sable',
    intro: 'Les comptes cloud simulés de cette installation, tels que vos sauvegardes et les canaux de vos clients s\'y sont connectés. Rien ne quitte le serveur, et tout ce qui est ici disparaît au prochain redémarrage.',
    tryIt: 'Déposez une facture dans le dossier d\'un client, comme le ferait le client : le canal la collecte aussitôt et elle arrive dans la boîte de réception.',
    none: 'Aucun compte du bac à sable n\'est encore connecté. Configurez une sauvegarde vers OneDrive, Google Drive ou Dropbox dans le bac à sable, ou un canal de collecte dont le client se connecte dans le bac à sable.',
    setUpBackup: 'Configurer une sauvegarde', setUpChannel: 'Configurer un canal de collecte',
    readBy: 'Collecté par « {{name}} » depuis {{folder}}', writtenBy: 'La sauvegarde « {{name}} » écrit ici',
    files_one: '{{count}} fichier', files_other: '{{count}} fichiers', empty: 'Pas encore de fichiers.', truncated: 'Seuls les 200 premiers fichiers sont affichés.',
    folder: 'Le mettre dans le dossier', top: 'La racine du compte',
    drop: 'Déposez un fichier ici pour le mettre dans {{folder}}', tap: 'Touchez pour choisir un fichier pour {{folder}}', dropHint: 'Un PDF, une facture XML ou une image, jusqu\'à 25 Mo.',
    put: '« {{file}} » est maintenant dans {{folder}}.', collecting: '« {{channel}} » le collecte maintenant…', collected: '« {{channel}} » l\'a collecté : il est dans la boîte de réception.',
    collectFailed: '« {{channel}} » n\'a pas pu le collecter : ouvrez le canal pour voir pourquoi.', openInbox: 'Ouvrir la boîte de réception', openChannel: 'Ouvrir le canal',
    notCollected: 'Aucun canal actif ne lit ce dossier : le fichier reste dans le stockage.', try: 'Essayer la collecte dans le bac à sable',
  },
  linked: {
    title: 'Votre sauvegarde est liée', intro: '« {{name}} » est configurée. Voici ce qui se passe maintenant.',
    destination: 'Où', folder: 'Dossier', layout: 'Structure des dossiers', example: 'Par exemple', schedule: 'Quand',
    first: 'La première sauvegarde complète', firstStarted: 'Démarrée : chaque document de l\'entreprise est copié maintenant.', firstWaiting: 'En attente de démarrage…',
    firstDone_one: 'Terminée : {{count}} document copié.', firstDone_other: 'Terminée : {{count}} documents copiés.', firstDoneNone: 'Terminée : il n\'y avait pas encore de documents à copier. Les nouveaux sont copiés dès leur arrivée.',
    firstFailed: 'Terminée avec des problèmes : ouvrez la sauvegarde pour voir quels documents et pourquoi.',
    next: 'Continuer', openBackup: 'Ouvrir la sauvegarde', uploadDocuments: 'Téléverser des documents', anotherBackup: 'Configurer une autre sauvegarde', overview: 'Vers la vue d\'ensemble',
  },
};

const de: TryoutMessages = {
  serverFolders: { browse: 'Den Ordner auf dem Server wählen', hide: 'Die Ordner ausblenden', login: 'Anmeldeordner', address: 'Die Adresse', hint: 'Testen Sie zuerst die Verbindung (und bestätigen Sie den Hostschlüssel): dann können Sie hier die Ordner des Servers durchsuchen.' },
  sandbox: {
    nav: 'Sandbox', title: 'Sandbox-Speicher',
    intro: 'Die nachgebildeten Cloud-Konten dieser Installation, so wie Ihre Sicherungen und die Kanäle Ihrer Mandanten sich bei ihnen angemeldet haben. Nichts verlässt den Server, und alles hier ist beim nächsten Neustart weg.',
    tryIt: 'Legen Sie eine Rechnung in den Ordner eines Mandanten, wie der Mandant es täte: der Kanal holt sie sofort ab und sie kommt im Posteingang an.',
    none: 'Noch ist kein Sandbox-Konto verbunden. Richten Sie eine Sicherung zu OneDrive, Google Drive oder Dropbox in der Sandbox ein, oder einen Abholkanal, dessen Mandant sich in der Sandbox verbindet.',
    setUpBackup: 'Eine Sicherung einrichten', setUpChannel: 'Einen Abholkanal einrichten',
    readBy: 'Abgeholt von „{{name}}" aus {{folder}}', writtenBy: 'Die Sicherung „{{name}}" schreibt hierher',
    files_one: '{{count}} Datei', files_other: '{{count}} Dateien', empty: 'Noch keine Dateien.', truncated: 'Nur die ersten 200 Dateien werden gezeigt.',
    folder: 'In den Ordner legen', top: 'Die oberste Ebene des Kontos',
    drop: 'Ziehen Sie eine Datei hierher, um sie in {{folder}} zu legen', tap: 'Tippen, um eine Datei für {{folder}} zu wählen', dropHint: 'Ein PDF, eine XML-Rechnung oder ein Bild, bis 25 MB.',
    put: '„{{file}}" liegt jetzt in {{folder}}.', collecting: '„{{channel}}" holt sie jetzt ab…', collected: '„{{channel}}" hat sie abgeholt: sie ist im Posteingang.',
    collectFailed: '„{{channel}}" konnte sie nicht abholen: öffnen Sie den Kanal, um zu sehen, warum.', openInbox: 'Den Posteingang öffnen', openChannel: 'Den Kanal öffnen',
    notCollected: 'Kein aktiver Kanal liest diesen Ordner: die Datei bleibt im Speicher.', try: 'Die Abholung in der Sandbox ausprobieren',
  },
  linked: {
    title: 'Ihre Sicherung ist verknüpft', intro: '„{{name}}" ist eingerichtet. Das geschieht jetzt.',
    destination: 'Wohin', folder: 'Ordner', layout: 'Ordnerstruktur', example: 'Zum Beispiel', schedule: 'Wann',
    first: 'Die erste vollständige Sicherung', firstStarted: 'Gestartet: jeder Beleg der Firma wird jetzt kopiert.', firstWaiting: 'Wartet auf den Start…',
    firstDone_one: 'Fertig: {{count}} Beleg kopiert.', firstDone_other: 'Fertig: {{count}} Belege kopiert.', firstDoneNone: 'Fertig: es gab noch keine Belege zu kopieren. Neue werden kopiert, sobald sie ankommen.',
    firstFailed: 'Mit Problemen beendet: öffnen Sie die Sicherung, um zu sehen, welche Belege und warum.',
    next: 'Weiter', openBackup: 'Die Sicherung öffnen', uploadDocuments: 'Belege hochladen', anotherBackup: 'Eine weitere Sicherung einrichten', overview: 'Zur Übersicht',
  },
};

export const tryoutMessages = { en, nl, fr, de };
