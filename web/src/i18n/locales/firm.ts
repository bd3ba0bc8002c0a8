/**
 * The messages of the firm's own settings (its name, its companies) and of changing a backup
 * after it is made, in every language: one block per area, kept apart from the locale files so
 * parallel work on other pages merges cleanly. The locale files spread them in.
 */
const en = {
  documentSearch: { label: 'Search documents', placeholder: 'Number, counterparty, amount or a word of the text', allTypes: 'All types', from: 'From', to: 'Until' },
  home: {
    nav: 'Overview', title: 'Overview', backups: 'Backups', channels: 'Collection channels', history: 'Collection history',
    lastRun: 'Last run {{when}}', noRun: 'No run yet.', failures_one: '{{count}} failed', failures_other: '{{count}} failed', allWell: 'All is well: nothing to do.',
    noBackups: 'No backups yet. Set one up under', noChannels: 'No collection channels yet.',
    channel: 'Channel', allChannels: 'All channels', outcome: 'Outcome', collected: 'Collected', noHistory: 'No collection runs yet.',
    outcomes: { all: 'All', problems: 'With problems', done: 'Done' },
    todo: {
      paused: 'Paused: open it and resume it to carry on.', waitingForClient: 'Waiting for the client to connect the folder: send the invitation again from its page if needed.',
      failedFiles: 'Some files failed: open it to see which and why; the next run tries them again.', runFailed: 'The last run did not finish: open it to see why.',
      neverRan: 'It has not run yet: the first run starts soon, or start it from its page.',
    },
  },
  settings: {
    nav: 'Settings', title: 'Settings', organization: 'Your firm', organizationName: 'Name of the firm',
    organizationHint: 'Your clients see it: it signs the invitations and reminders they receive, and heads the page where they connect their folder.',
    onlyAdmin: 'Only an administrator can rename the firm.', saved: 'Saved.',
    companies: 'Companies', companiesHint: 'Each company\'s name is the top folder of its backups and appears in the mails to its clients.',
    name: 'Name', language: 'Language', languageHint: 'Folder names at the backups, and the mails to clients unless a channel says otherwise.',
    timeZone: 'Time zone', vatId: 'VAT number', vatIdHint: 'With the country prefix, such as BE0403170701.',
    addCompany: 'Add a company', add: 'Add', noRight: 'Changing companies needs the right "Manage companies".', renamed: 'Saved: backups follow the new name.',
  },
  channelMail: { language: 'The client reads', languageHint: 'The invitation and reminders are written in this language.', companyLanguage: 'The company\'s language ({{language}})', copyLink: 'Copy the invitation link', copied: 'The link is copied: it works once; the earlier link no longer works.' },
  destinationEdit: {
    edit: 'Change', title: 'Change "{{name}}"', save: 'Save the changes',
    previewMoves_one: 'With this structure {{count}} file moves to a new place.', previewMoves_other: 'With this structure {{count}} files move to a new place.',
    previewNone: 'No file changes place.', previewUploads_one: '{{count}} file is sent again.', previewUploads_other: '{{count}} files are sent again.',
    previewSkipped_one: '{{count}} document stays out (before the start date).', previewSkipped_other: '{{count}} documents stay out (before the start date).',
    preview: 'Check what changes', previewFirst: 'A new structure or start date applies to the files already there: check what changes before saving.', saved: 'Saved. The next pass applies the changes.',
  },
} as const;

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
type FirmMessages = Widen<typeof en>;

const nl: FirmMessages = {
  documentSearch: { label: 'Documenten zoeken', placeholder: 'Nummer, tegenpartij, bedrag of een woord uit de tekst', allTypes: 'Alle soorten', from: 'Van', to: 'Tot' },
  home: {
    nav: 'Overzicht', title: 'Overzicht', backups: 'Back-ups', channels: 'Ophaalkanalen', history: 'Ophaalgeschiedenis',
    lastRun: 'Laatste ronde {{when}}', noRun: 'Nog geen ronde.', failures_one: '{{count}} mislukt', failures_other: '{{count}} mislukt', allWell: 'Alles in orde: niets te doen.',
    noBackups: 'Nog geen back-ups. Stel er een in onder', noChannels: 'Nog geen ophaalkanalen.',
    channel: 'Kanaal', allChannels: 'Alle kanalen', outcome: 'Resultaat', collected: 'Opgehaald', noHistory: 'Nog geen ophaalrondes.',
    outcomes: { all: 'Alle', problems: 'Met problemen', done: 'Klaar' },
    todo: {
      paused: 'Gepauzeerd: open het en hervat het om verder te gaan.', waitingForClient: 'Wacht tot de klant de map koppelt: stuur de uitnodiging zo nodig opnieuw vanaf de pagina.',
      failedFiles: 'Sommige bestanden mislukten: open het om te zien welke en waarom; de volgende ronde probeert ze opnieuw.', runFailed: 'De laatste ronde werd niet afgemaakt: open het om te zien waarom.',
      neverRan: 'Het heeft nog niet gelopen: de eerste ronde start zo, of start ze vanaf de pagina.',
    },
  },
  settings: {
    nav: 'Instellingen', title: 'Instellingen', organization: 'Uw kantoor', organizationName: 'Naam van het kantoor',
    organizationHint: 'Uw klanten zien hem: hij ondertekent de uitnodigingen en herinneringen die ze krijgen en staat boven de pagina waar ze hun map koppelen.',
    onlyAdmin: 'Alleen een beheerder kan het kantoor hernoemen.', saved: 'Opgeslagen.',
    companies: 'Bedrijven', companiesHint: 'De naam van elk bedrijf is de bovenste map van zijn back-ups en staat in de e-mails aan zijn klanten.',
    name: 'Naam', language: 'Taal', languageHint: 'Mapnamen bij de back-ups, en de e-mails aan klanten tenzij een kanaal iets anders zegt.',
    timeZone: 'Tijdzone', vatId: 'Btw-nummer', vatIdHint: 'Met het landprefix, zoals BE0403170701.',
    addCompany: 'Een bedrijf toevoegen', add: 'Toevoegen', noRight: 'Bedrijven wijzigen vraagt het recht "Bedrijven beheren".', renamed: 'Opgeslagen: de back-ups volgen de nieuwe naam.',
  },
  channelMail: { language: 'De klant leest', languageHint: 'De uitnodiging en herinneringen worden in deze taal geschreven.', companyLanguage: 'De taal van het bedrijf ({{language}})', copyLink: 'De uitnodigingslink kopiëren', copied: 'De link is gekopieerd: hij werkt één keer; de vorige link werkt niet meer.' },
  destinationEdit: {
    edit: 'Wijzigen', title: '"{{name}}" wijzigen', save: 'Wijzigingen opslaan',
    previewMoves_one: 'Met deze structuur verhuist {{count}} bestand naar een nieuwe plaats.', previewMoves_other: 'Met deze structuur verhuizen {{count}} bestanden naar een nieuwe plaats.',
    previewNone: 'Geen enkel bestand verandert van plaats.', previewUploads_one: '{{count}} bestand wordt opnieuw verstuurd.', previewUploads_other: '{{count}} bestanden worden opnieuw verstuurd.',
    previewSkipped_one: '{{count}} document blijft erbuiten (vóór de begindatum).', previewSkipped_other: '{{count}} documenten blijven erbuiten (vóór de begindatum).',
    preview: 'Nagaan wat verandert', previewFirst: 'Een nieuwe structuur of begindatum geldt ook voor de bestanden die er al staan: ga na wat verandert voor u opslaat.', saved: 'Opgeslagen. De volgende ronde voert de wijzigingen uit.',
  },
};

const fr: FirmMessages = {
  documentSearch: { label: 'Rechercher des documents', placeholder: 'Numéro, tiers, montant ou un mot du texte', allTypes: 'Tous les types', from: 'Du', to: 'Au' },
  home: {
    nav: 'Vue d\'ensemble', title: 'Vue d\'ensemble', backups: 'Sauvegardes', channels: 'Canaux de collecte', history: 'Historique de la collecte',
    lastRun: 'Dernier passage {{when}}', noRun: 'Pas encore de passage.', failures_one: '{{count}} en échec', failures_other: '{{count}} en échec', allWell: 'Tout va bien : rien à faire.',
    noBackups: 'Pas encore de sauvegarde. Configurez-en une sous', noChannels: 'Pas encore de canal de collecte.',
    channel: 'Canal', allChannels: 'Tous les canaux', outcome: 'Résultat', collected: 'Collectés', noHistory: 'Pas encore de collecte.',
    outcomes: { all: 'Tous', problems: 'Avec problèmes', done: 'Terminés' },
    todo: {
      paused: 'En pause : ouvrez-le et reprenez-le pour continuer.', waitingForClient: 'En attente du client qui doit connecter le dossier : renvoyez l\'invitation depuis sa page si besoin.',
      failedFiles: 'Certains fichiers ont échoué : ouvrez-le pour voir lesquels et pourquoi ; le prochain passage les réessaie.', runFailed: 'Le dernier passage n\'a pas abouti : ouvrez-le pour voir pourquoi.',
      neverRan: 'Il n\'a pas encore tourné : le premier passage démarre bientôt, ou lancez-le depuis sa page.',
    },
  },
  settings: {
    nav: 'Paramètres', title: 'Paramètres', organization: 'Votre cabinet', organizationName: 'Nom du cabinet',
    organizationHint: 'Vos clients le voient : il signe les invitations et les rappels qu\'ils reçoivent et figure en tête de la page où ils connectent leur dossier.',
    onlyAdmin: 'Seul un administrateur peut renommer le cabinet.', saved: 'Enregistré.',
    companies: 'Sociétés', companiesHint: 'Le nom de chaque société est le dossier de tête de ses sauvegardes et figure dans les e-mails à ses clients.',
    name: 'Nom', language: 'Langue', languageHint: 'Les noms de dossiers des sauvegardes, et les e-mails aux clients sauf si un canal en décide autrement.',
    timeZone: 'Fuseau horaire', vatId: 'Numéro de TVA', vatIdHint: 'Avec le préfixe du pays, par exemple BE0403170701.',
    addCompany: 'Ajouter une société', add: 'Ajouter', noRight: 'Modifier les sociétés demande le droit « Gérer les sociétés ».', renamed: 'Enregistré : les sauvegardes suivent le nouveau nom.',
  },
  channelMail: { language: 'Le client lit', languageHint: 'L\'invitation et les rappels sont rédigés dans cette langue.', companyLanguage: 'La langue de la société ({{language}})', copyLink: 'Copier le lien d\'invitation', copied: 'Le lien est copié : il fonctionne une fois ; le lien précédent ne fonctionne plus.' },
  destinationEdit: {
    edit: 'Modifier', title: 'Modifier « {{name}} »', save: 'Enregistrer les modifications',
    previewMoves_one: 'Avec cette structure, {{count}} fichier change de place.', previewMoves_other: 'Avec cette structure, {{count}} fichiers changent de place.',
    previewNone: 'Aucun fichier ne change de place.', previewUploads_one: '{{count}} fichier est renvoyé.', previewUploads_other: '{{count}} fichiers sont renvoyés.',
    previewSkipped_one: '{{count}} document reste à l\'écart (avant la date de début).', previewSkipped_other: '{{count}} documents restent à l\'écart (avant la date de début).',
    preview: 'Vérifier ce qui change', previewFirst: 'Une nouvelle structure ou date de début s\'applique aussi aux fichiers déjà présents : vérifiez ce qui change avant d\'enregistrer.', saved: 'Enregistré. Le prochain passage applique les modifications.',
  },
};

const de: FirmMessages = {
  documentSearch: { label: 'Belege suchen', placeholder: 'Nummer, Geschäftspartner, Betrag oder ein Wort des Textes', allTypes: 'Alle Arten', from: 'Von', to: 'Bis' },
  home: {
    nav: 'Übersicht', title: 'Übersicht', backups: 'Sicherungen', channels: 'Abholkanäle', history: 'Verlauf der Abholung',
    lastRun: 'Letzter Durchlauf {{when}}', noRun: 'Noch kein Durchlauf.', failures_one: '{{count}} fehlgeschlagen', failures_other: '{{count}} fehlgeschlagen', allWell: 'Alles in Ordnung: nichts zu tun.',
    noBackups: 'Noch keine Sicherungen. Richten Sie eine ein unter', noChannels: 'Noch keine Abholkanäle.',
    channel: 'Kanal', allChannels: 'Alle Kanäle', outcome: 'Ergebnis', collected: 'Abgeholt', noHistory: 'Noch keine Abholungen.',
    outcomes: { all: 'Alle', problems: 'Mit Problemen', done: 'Fertig' },
    todo: {
      paused: 'Pausiert: öffnen Sie es und setzen Sie es fort.', waitingForClient: 'Wartet darauf, dass der Mandant den Ordner verbindet: senden Sie die Einladung bei Bedarf von seiner Seite erneut.',
      failedFiles: 'Einige Dateien sind fehlgeschlagen: öffnen Sie es, um zu sehen, welche und warum; der nächste Durchlauf versucht sie erneut.', runFailed: 'Der letzte Durchlauf wurde nicht beendet: öffnen Sie es, um zu sehen, warum.',
      neverRan: 'Es ist noch nicht gelaufen: der erste Durchlauf beginnt gleich, oder starten Sie ihn von seiner Seite.',
    },
  },
  settings: {
    nav: 'Einstellungen', title: 'Einstellungen', organization: 'Ihre Kanzlei', organizationName: 'Name der Kanzlei',
    organizationHint: 'Ihre Mandanten sehen ihn: er unterschreibt die Einladungen und Erinnerungen, die sie erhalten, und steht über der Seite, auf der sie ihren Ordner verbinden.',
    onlyAdmin: 'Nur ein Administrator kann die Kanzlei umbenennen.', saved: 'Gespeichert.',
    companies: 'Firmen', companiesHint: 'Der Name jeder Firma ist der oberste Ordner ihrer Sicherungen und steht in den E-Mails an ihre Mandanten.',
    name: 'Name', language: 'Sprache', languageHint: 'Ordnernamen in den Sicherungen, und die E-Mails an Mandanten, sofern ein Kanal nichts anderes sagt.',
    timeZone: 'Zeitzone', vatId: 'USt-IdNr.', vatIdHint: 'Mit dem Länderkürzel, etwa DE136695976.',
    addCompany: 'Eine Firma hinzufügen', add: 'Hinzufügen', noRight: 'Firmen zu ändern braucht das Recht „Firmen verwalten".', renamed: 'Gespeichert: die Sicherungen folgen dem neuen Namen.',
  },
  channelMail: { language: 'Der Mandant liest', languageHint: 'Die Einladung und die Erinnerungen werden in dieser Sprache geschrieben.', companyLanguage: 'Die Sprache der Firma ({{language}})', copyLink: 'Den Einladungslink kopieren', copied: 'Der Link ist kopiert: er funktioniert einmal; der vorige Link funktioniert nicht mehr.' },
  destinationEdit: {
    edit: 'Ändern', title: '„{{name}}" ändern', save: 'Änderungen speichern',
    previewMoves_one: 'Mit dieser Struktur zieht {{count}} Datei an einen neuen Ort.', previewMoves_other: 'Mit dieser Struktur ziehen {{count}} Dateien an einen neuen Ort.',
    previewNone: 'Keine Datei ändert ihren Ort.', previewUploads_one: '{{count}} Datei wird erneut gesendet.', previewUploads_other: '{{count}} Dateien werden erneut gesendet.',
    previewSkipped_one: '{{count}} Beleg bleibt draußen (vor dem Startdatum).', previewSkipped_other: '{{count}} Belege bleiben draußen (vor dem Startdatum).',
    preview: 'Prüfen, was sich ändert', previewFirst: 'Eine neue Struktur oder ein neues Startdatum gilt auch für die Dateien, die schon dort liegen: prüfen Sie vor dem Speichern, was sich ändert.', saved: 'Gespeichert. Der nächste Durchlauf übernimmt die Änderungen.',
  },
};

export const firmMessages = { en, nl, fr, de };
