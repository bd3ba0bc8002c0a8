/**
 * The messages of the export panel on the Activity page (POST /v1/exports), in every language,
 * kept apart from the locale files like firm.ts. The locale files spread them in.
 */
const en = {
  exports: {
    title: 'Export for the accountant or auditor', intro: 'A ZIP with every original of the company\'s documents dated in the period, an index with their SHA-256 hashes, the audit entries of the period and how to check them.',
    company: 'Company', from: 'Documents dated from', to: 'until', start: 'Make the export',
    queued: 'Waiting for a worker…', running: 'Writing file {{done}} of {{total}}…', done: 'Ready: {{files}} files of {{documents}} documents, {{size}}.',
    failed: 'The export failed: {{error}}', download: 'Download the ZIP', expires: 'Can be downloaded until {{when}}.', progress: 'Export progress',
  },
};

type ExportMessages = typeof en;

const nl: ExportMessages = {
  exports: {
    title: 'Export voor de boekhouder of auditor', intro: 'Een ZIP met elk origineel van de documenten van het bedrijf gedateerd in de periode, een index met hun SHA-256-hashes, de auditregels van de periode en hoe je ze controleert.',
    company: 'Bedrijf', from: 'Documenten gedateerd van', to: 'tot en met', start: 'Export maken',
    queued: 'Wacht op een verwerker…', running: 'Bestand {{done}} van {{total}} wordt geschreven…', done: 'Klaar: {{files}} bestanden van {{documents}} documenten, {{size}}.',
    failed: 'De export is mislukt: {{error}}', download: 'ZIP downloaden', expires: 'Te downloaden tot {{when}}.', progress: 'Voortgang van de export',
  },
};

const fr: ExportMessages = {
  exports: {
    title: 'Export pour le comptable ou l\'auditeur', intro: 'Un ZIP avec chaque original des documents de l\'entreprise datés de la période, un index avec leurs empreintes SHA-256, les entrées d\'audit de la période et comment les vérifier.',
    company: 'Entreprise', from: 'Documents datés du', to: 'au', start: 'Créer l\'export',
    queued: 'En attente d\'un processus…', running: 'Écriture du fichier {{done}} sur {{total}}…', done: 'Prêt : {{files}} fichiers de {{documents}} documents, {{size}}.',
    failed: 'L\'export a échoué : {{error}}', download: 'Télécharger le ZIP', expires: 'Téléchargeable jusqu\'au {{when}}.', progress: 'Progression de l\'export',
  },
};

const de: ExportMessages = {
  exports: {
    title: 'Export für Steuerberater oder Prüfer', intro: 'Ein ZIP mit jedem Original der Belege der Firma, die im Zeitraum datiert sind, einem Verzeichnis mit ihren SHA-256-Prüfsummen, den Audit-Einträgen des Zeitraums und einer Anleitung zur Prüfung.',
    company: 'Firma', from: 'Belege datiert vom', to: 'bis', start: 'Export erstellen',
    queued: 'Wartet auf einen Worker…', running: 'Datei {{done}} von {{total}} wird geschrieben…', done: 'Fertig: {{files}} Dateien von {{documents}} Belegen, {{size}}.',
    failed: 'Der Export ist fehlgeschlagen: {{error}}', download: 'ZIP herunterladen', expires: 'Herunterladbar bis {{when}}.', progress: 'Fortschritt des Exports',
  },
};

export const exportMessages = { en, nl, fr, de };
