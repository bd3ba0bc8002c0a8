/**
 * The messages of the firm's own settings (its name, its companies) and of changing a backup
 * after it is made, in every language: one block per area, kept apart from the locale files so
 * parallel work on other pages merges cleanly. The locale files spread them in.
 */
const en = {
  settings: {
    nav: 'Settings', title: 'Settings', organization: 'Your firm', organizationName: 'Name of the firm',
    organizationHint: 'Your clients see it: it signs the invitations and reminders they receive, and heads the page where they connect their folder.',
    onlyAdmin: 'Only an administrator can rename the firm.', saved: 'Saved.',
    companies: 'Companies', companiesHint: 'Each company\'s name is the top folder of its backups and appears in the mails to its clients.',
    name: 'Name', language: 'Language', languageHint: 'Folder names at the backups, and the mails to clients unless a channel says otherwise.',
    timeZone: 'Time zone', vatId: 'VAT number', vatIdHint: 'With the country prefix, such as BE0403170701.',
    addCompany: 'Add a company', add: 'Add', noRight: 'Changing companies needs the right "Manage companies".', renamed: 'Saved: backups follow the new name.',
  },
  channelMail: { language: 'The client reads', languageHint: 'The invitation and reminders are written in this language.', companyLanguage: 'The company\'s language ({{language}})' },
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
  settings: {
    nav: 'Instellingen', title: 'Instellingen', organization: 'Uw kantoor', organizationName: 'Naam van het kantoor',
    organizationHint: 'Uw klanten zien hem: hij ondertekent de uitnodigingen en herinneringen die ze krijgen en staat boven de pagina waar ze hun map koppelen.',
    onlyAdmin: 'Alleen een beheerder kan het kantoor hernoemen.', saved: 'Opgeslagen.',
    companies: 'Bedrijven', companiesHint: 'De naam van elk bedrijf is de bovenste map van zijn back-ups en staat in de e-mails aan zijn klanten.',
    name: 'Naam', language: 'Taal', languageHint: 'Mapnamen bij de back-ups, en de e-mails aan klanten tenzij een kanaal iets anders zegt.',
    timeZone: 'Tijdzone', vatId: 'Btw-nummer', vatIdHint: 'Met het landprefix, zoals BE0403170701.',
    addCompany: 'Een bedrijf toevoegen', add: 'Toevoegen', noRight: 'Bedrijven wijzigen vraagt het recht "Bedrijven beheren".', renamed: 'Opgeslagen: de back-ups volgen de nieuwe naam.',
  },
  channelMail: { language: 'De klant leest', languageHint: 'De uitnodiging en herinneringen worden in deze taal geschreven.', companyLanguage: 'De taal van het bedrijf ({{language}})' },
  destinationEdit: {
    edit: 'Wijzigen', title: '"{{name}}" wijzigen', save: 'Wijzigingen opslaan',
    previewMoves_one: 'Met deze structuur verhuist {{count}} bestand naar een nieuwe plaats.', previewMoves_other: 'Met deze structuur verhuizen {{count}} bestanden naar een nieuwe plaats.',
    previewNone: 'Geen enkel bestand verandert van plaats.', previewUploads_one: '{{count}} bestand wordt opnieuw verstuurd.', previewUploads_other: '{{count}} bestanden worden opnieuw verstuurd.',
    previewSkipped_one: '{{count}} document blijft erbuiten (vóór de begindatum).', previewSkipped_other: '{{count}} documenten blijven erbuiten (vóór de begindatum).',
    preview: 'Nagaan wat verandert', previewFirst: 'Een nieuwe structuur of begindatum geldt ook voor de bestanden die er al staan: ga na wat verandert voor u opslaat.', saved: 'Opgeslagen. De volgende ronde voert de wijzigingen uit.',
  },
};

const fr: FirmMessages = {
  settings: {
    nav: 'Paramètres', title: 'Paramètres', organization: 'Votre cabinet', organizationName: 'Nom du cabinet',
    organizationHint: 'Vos clients le voient : il signe les invitations et les rappels qu\'ils reçoivent et figure en tête de la page où ils connectent leur dossier.',
    onlyAdmin: 'Seul un administrateur peut renommer le cabinet.', saved: 'Enregistré.',
    companies: 'Sociétés', companiesHint: 'Le nom de chaque société est le dossier de tête de ses sauvegardes et figure dans les e-mails à ses clients.',
    name: 'Nom', language: 'Langue', languageHint: 'Les noms de dossiers des sauvegardes, et les e-mails aux clients sauf si un canal en décide autrement.',
    timeZone: 'Fuseau horaire', vatId: 'Numéro de TVA', vatIdHint: 'Avec le préfixe du pays, par exemple BE0403170701.',
    addCompany: 'Ajouter une société', add: 'Ajouter', noRight: 'Modifier les sociétés demande le droit « Gérer les sociétés ».', renamed: 'Enregistré : les sauvegardes suivent le nouveau nom.',
  },
  channelMail: { language: 'Le client lit', languageHint: 'L\'invitation et les rappels sont rédigés dans cette langue.', companyLanguage: 'La langue de la société ({{language}})' },
  destinationEdit: {
    edit: 'Modifier', title: 'Modifier « {{name}} »', save: 'Enregistrer les modifications',
    previewMoves_one: 'Avec cette structure, {{count}} fichier change de place.', previewMoves_other: 'Avec cette structure, {{count}} fichiers changent de place.',
    previewNone: 'Aucun fichier ne change de place.', previewUploads_one: '{{count}} fichier est renvoyé.', previewUploads_other: '{{count}} fichiers sont renvoyés.',
    previewSkipped_one: '{{count}} document reste à l\'écart (avant la date de début).', previewSkipped_other: '{{count}} documents restent à l\'écart (avant la date de début).',
    preview: 'Vérifier ce qui change', previewFirst: 'Une nouvelle structure ou date de début s\'applique aussi aux fichiers déjà présents : vérifiez ce qui change avant d\'enregistrer.', saved: 'Enregistré. Le prochain passage applique les modifications.',
  },
};

const de: FirmMessages = {
  settings: {
    nav: 'Einstellungen', title: 'Einstellungen', organization: 'Ihre Kanzlei', organizationName: 'Name der Kanzlei',
    organizationHint: 'Ihre Mandanten sehen ihn: er unterschreibt die Einladungen und Erinnerungen, die sie erhalten, und steht über der Seite, auf der sie ihren Ordner verbinden.',
    onlyAdmin: 'Nur ein Administrator kann die Kanzlei umbenennen.', saved: 'Gespeichert.',
    companies: 'Firmen', companiesHint: 'Der Name jeder Firma ist der oberste Ordner ihrer Sicherungen und steht in den E-Mails an ihre Mandanten.',
    name: 'Name', language: 'Sprache', languageHint: 'Ordnernamen in den Sicherungen, und die E-Mails an Mandanten, sofern ein Kanal nichts anderes sagt.',
    timeZone: 'Zeitzone', vatId: 'USt-IdNr.', vatIdHint: 'Mit dem Länderkürzel, etwa DE136695976.',
    addCompany: 'Eine Firma hinzufügen', add: 'Hinzufügen', noRight: 'Firmen zu ändern braucht das Recht „Firmen verwalten".', renamed: 'Gespeichert: die Sicherungen folgen dem neuen Namen.',
  },
  channelMail: { language: 'Der Mandant liest', languageHint: 'Die Einladung und die Erinnerungen werden in dieser Sprache geschrieben.', companyLanguage: 'Die Sprache der Firma ({{language}})' },
  destinationEdit: {
    edit: 'Ändern', title: '„{{name}}" ändern', save: 'Änderungen speichern',
    previewMoves_one: 'Mit dieser Struktur zieht {{count}} Datei an einen neuen Ort.', previewMoves_other: 'Mit dieser Struktur ziehen {{count}} Dateien an einen neuen Ort.',
    previewNone: 'Keine Datei ändert ihren Ort.', previewUploads_one: '{{count}} Datei wird erneut gesendet.', previewUploads_other: '{{count}} Dateien werden erneut gesendet.',
    previewSkipped_one: '{{count}} Beleg bleibt draußen (vor dem Startdatum).', previewSkipped_other: '{{count}} Belege bleiben draußen (vor dem Startdatum).',
    preview: 'Prüfen, was sich ändert', previewFirst: 'Eine neue Struktur oder ein neues Startdatum gilt auch für die Dateien, die schon dort liegen: prüfen Sie vor dem Speichern, was sich ändert.', saved: 'Gespeichert. Der nächste Durchlauf übernimmt die Änderungen.',
  },
};

export const firmMessages = { en, nl, fr, de };
