/**
 * The messages of the Documents page's sorting, backup filter and bulk actions, of a
 * document's edit form and of the original's preview, in every language: kept apart from the
 * locale files so parallel work on other pages merges cleanly. The locale files spread them in.
 */
const en = {
  documentList: {
    backup: 'Backup', anyBackup: 'Any backup state',
    backupStates: { synced: 'Backed up everywhere', pending: 'Waiting for a backup', failed: 'Failed at a backup' },
    sortBy: 'Sort by {{column}}', select: 'Select {{name}}', selectAll: 'Select every document shown',
    selected_one: '{{count}} document selected', selected_other: '{{count}} documents selected', clear: 'Clear the selection',
  },
  bulk: {
    resend: 'Send again to a backup', move: 'Move to a binder', done: 'Mark done in the inbox',
    resendText_one: 'The document is uploaded again to this backup, even if it is there already. Its next run starts now.',
    resendText_other: 'These {{count}} documents are uploaded again to this backup, even those there already. Its next run starts now.',
    moveText_one: 'The document moves to this binder in the inbox.', moveText_other: 'These {{count}} documents move to this binder in the inbox.',
    doneText_one: 'The document is marked done in the inbox, reviewed by you.', doneText_other: 'These {{count}} documents are marked done in the inbox, reviewed by you.',
    backup: 'Backup', binder: 'Binder', noBackups: 'This company has no backup yet.', noBinders: 'This company has no binder yet.',
    succeeded_one: '{{count}} document done', succeeded_other: '{{count}} documents done',
    failed_one: '{{count}} document left as it was', failed_other: '{{count}} documents left as they were',
    reasonCount: '{{reason}}: {{count}}',
    reasons: {
      not_found: 'no longer exists', other_company: 'belongs to another company', before_start_date: 'dated before the backup\'s start date',
      not_in_inbox: 'was not collected into the inbox', needs_review_inbox: 'collected into the inbox, which you may not review',
    },
  },
  documentEdit: { edit: 'Edit the details', save: 'Save the details', saved: 'The details are saved as a new version.', original: 'The original' },
  preview: {
    previous: 'Previous page', next: 'Next page', pageOf: 'Page {{page}} of {{pages}}', zoomIn: 'Zoom in', zoomOut: 'Zoom out',
    fit: 'Fit to the width', zoom: 'Zoom: {{percent}}%', toolbar: 'Page and zoom',
  },
};

type Messages = typeof en;

const nl: Messages = {
  documentList: {
    backup: 'Back-up', anyBackup: 'Elke back-upstatus',
    backupStates: { synced: 'Overal geback-upt', pending: 'Wacht op een back-up', failed: 'Mislukt bij een back-up' },
    sortBy: 'Sorteren op {{column}}', select: '{{name}} selecteren', selectAll: 'Alle getoonde documenten selecteren',
    selected_one: '{{count}} document geselecteerd', selected_other: '{{count}} documenten geselecteerd', clear: 'Selectie wissen',
  },
  bulk: {
    resend: 'Opnieuw naar een back-up sturen', move: 'Naar een map verplaatsen', done: 'Afgehandeld in de inbox',
    resendText_one: 'Het document wordt opnieuw naar deze back-up geüpload, ook als het er al staat. De volgende ronde begint nu.',
    resendText_other: 'Deze {{count}} documenten worden opnieuw naar deze back-up geüpload, ook die er al staan. De volgende ronde begint nu.',
    moveText_one: 'Het document gaat in de inbox naar deze map.', moveText_other: 'Deze {{count}} documenten gaan in de inbox naar deze map.',
    doneText_one: 'Het document wordt in de inbox als afgehandeld gemarkeerd, door u nagekeken.', doneText_other: 'Deze {{count}} documenten worden in de inbox als afgehandeld gemarkeerd, door u nagekeken.',
    backup: 'Back-up', binder: 'Map', noBackups: 'Dit bedrijf heeft nog geen back-up.', noBinders: 'Dit bedrijf heeft nog geen map.',
    succeeded_one: '{{count}} document gedaan', succeeded_other: '{{count}} documenten gedaan',
    failed_one: '{{count}} document bleef zoals het was', failed_other: '{{count}} documenten bleven zoals ze waren',
    reasonCount: '{{reason}}: {{count}}',
    reasons: {
      not_found: 'bestaat niet meer', other_company: 'hoort bij een ander bedrijf', before_start_date: 'gedateerd vóór de startdatum van de back-up',
      not_in_inbox: 'is niet in de inbox opgehaald', needs_review_inbox: 'opgehaald in de inbox, die u niet mag nakijken',
    },
  },
  documentEdit: { edit: 'Gegevens wijzigen', save: 'Gegevens opslaan', saved: 'De gegevens zijn opgeslagen als een nieuwe versie.', original: 'Het origineel' },
  preview: {
    previous: 'Vorige pagina', next: 'Volgende pagina', pageOf: 'Pagina {{page}} van {{pages}}', zoomIn: 'Inzoomen', zoomOut: 'Uitzoomen',
    fit: 'Passend in de breedte', zoom: 'Zoom: {{percent}}%', toolbar: 'Pagina en zoom',
  },
};

const fr: Messages = {
  documentList: {
    backup: 'Sauvegarde', anyBackup: 'Tout état de sauvegarde',
    backupStates: { synced: 'Sauvegardé partout', pending: 'En attente d\'une sauvegarde', failed: 'En échec sur une sauvegarde' },
    sortBy: 'Trier par {{column}}', select: 'Sélectionner {{name}}', selectAll: 'Sélectionner tous les documents affichés',
    selected_one: '{{count}} document sélectionné', selected_other: '{{count}} documents sélectionnés', clear: 'Effacer la sélection',
  },
  bulk: {
    resend: 'Renvoyer vers une sauvegarde', move: 'Déplacer vers un classeur', done: 'Marquer traité dans la boîte de réception',
    resendText_one: 'Le document est envoyé à nouveau vers cette sauvegarde, même s\'il s\'y trouve déjà. Son prochain passage commence maintenant.',
    resendText_other: 'Ces {{count}} documents sont envoyés à nouveau vers cette sauvegarde, même ceux qui s\'y trouvent déjà. Son prochain passage commence maintenant.',
    moveText_one: 'Le document va dans ce classeur de la boîte de réception.', moveText_other: 'Ces {{count}} documents vont dans ce classeur de la boîte de réception.',
    doneText_one: 'Le document est marqué traité dans la boîte de réception, vérifié par vous.', doneText_other: 'Ces {{count}} documents sont marqués traités dans la boîte de réception, vérifiés par vous.',
    backup: 'Sauvegarde', binder: 'Classeur', noBackups: 'Cette entreprise n\'a pas encore de sauvegarde.', noBinders: 'Cette entreprise n\'a pas encore de classeur.',
    succeeded_one: '{{count}} document traité', succeeded_other: '{{count}} documents traités',
    failed_one: '{{count}} document laissé tel quel', failed_other: '{{count}} documents laissés tels quels',
    reasonCount: '{{reason}} : {{count}}',
    reasons: {
      not_found: 'n\'existe plus', other_company: 'appartient à une autre entreprise', before_start_date: 'daté d\'avant la date de début de la sauvegarde',
      not_in_inbox: 'n\'a pas été collecté dans la boîte de réception', needs_review_inbox: 'collecté dans la boîte de réception, que vous ne pouvez pas vérifier',
    },
  },
  documentEdit: { edit: 'Modifier les données', save: 'Enregistrer les données', saved: 'Les données sont enregistrées dans une nouvelle version.', original: 'L\'original' },
  preview: {
    previous: 'Page précédente', next: 'Page suivante', pageOf: 'Page {{page}} sur {{pages}}', zoomIn: 'Agrandir', zoomOut: 'Réduire',
    fit: 'Ajuster à la largeur', zoom: 'Zoom : {{percent}} %', toolbar: 'Page et zoom',
  },
};

const de: Messages = {
  documentList: {
    backup: 'Sicherung', anyBackup: 'Jeder Sicherungsstand',
    backupStates: { synced: 'Überall gesichert', pending: 'Wartet auf eine Sicherung', failed: 'Bei einer Sicherung fehlgeschlagen' },
    sortBy: 'Nach {{column}} sortieren', select: '{{name}} auswählen', selectAll: 'Alle angezeigten Belege auswählen',
    selected_one: '{{count}} Beleg ausgewählt', selected_other: '{{count}} Belege ausgewählt', clear: 'Auswahl aufheben',
  },
  bulk: {
    resend: 'Erneut an eine Sicherung senden', move: 'In einen Ordner verschieben', done: 'Im Posteingang als erledigt markieren',
    resendText_one: 'Der Beleg wird erneut in diese Sicherung hochgeladen, auch wenn er schon dort liegt. Ihr nächster Durchlauf beginnt jetzt.',
    resendText_other: 'Diese {{count}} Belege werden erneut in diese Sicherung hochgeladen, auch die schon dort liegenden. Ihr nächster Durchlauf beginnt jetzt.',
    moveText_one: 'Der Beleg kommt im Posteingang in diesen Ordner.', moveText_other: 'Diese {{count}} Belege kommen im Posteingang in diesen Ordner.',
    doneText_one: 'Der Beleg wird im Posteingang als erledigt markiert, von Ihnen geprüft.', doneText_other: 'Diese {{count}} Belege werden im Posteingang als erledigt markiert, von Ihnen geprüft.',
    backup: 'Sicherung', binder: 'Ordner', noBackups: 'Dieses Unternehmen hat noch keine Sicherung.', noBinders: 'Dieses Unternehmen hat noch keinen Ordner.',
    succeeded_one: '{{count}} Beleg erledigt', succeeded_other: '{{count}} Belege erledigt',
    failed_one: '{{count}} Beleg blieb unverändert', failed_other: '{{count}} Belege blieben unverändert',
    reasonCount: '{{reason}}: {{count}}',
    reasons: {
      not_found: 'gibt es nicht mehr', other_company: 'gehört zu einem anderen Unternehmen', before_start_date: 'vor dem Startdatum der Sicherung datiert',
      not_in_inbox: 'wurde nicht in den Posteingang abgeholt', needs_review_inbox: 'in den Posteingang abgeholt, den Sie nicht prüfen dürfen',
    },
  },
  documentEdit: { edit: 'Angaben ändern', save: 'Angaben speichern', saved: 'Die Angaben sind als neue Version gespeichert.', original: 'Das Original' },
  preview: {
    previous: 'Vorherige Seite', next: 'Nächste Seite', pageOf: 'Seite {{page}} von {{pages}}', zoomIn: 'Vergrößern', zoomOut: 'Verkleinern',
    fit: 'An die Breite anpassen', zoom: 'Zoom: {{percent}} %', toolbar: 'Seite und Zoom',
  },
};

export const documentsMessages = { en, nl, fr, de };
