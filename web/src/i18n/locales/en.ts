/** The English messages: the source every other language must match key for key (types and a test check it). */
export const en = {
  app: { name: 'Dossier', skipToContent: 'Skip to content', openMenu: 'Open the menu', language: 'Language', company: 'Company', loading: 'Loading…' },
  nav: { documents: 'Documents', destinations: 'Backups', integrations: 'Apps & integrations', account: 'Account', signOut: 'Sign out', main: 'Main' },
  common: {
    save: 'Save', cancel: 'Cancel', back: 'Back', next: 'Next', close: 'Close', retry: 'Try again', remove: 'Remove', confirm: 'Confirm',
    loadMore: 'Load more', none: 'None', yes: 'Yes', no: 'No', error: 'Something went wrong', sandbox: 'Sandbox', download: 'Download',
  },
  signIn: {
    title: 'Sign in to Dossier', email: 'E-mail address', password: 'Password', submit: 'Sign in',
    hint: 'On the first start, the server printed the administrator\'s address and password in its terminal.',
  },
  account: {
    title: 'Account', signedInAs: 'Signed in as {{name}} ({{email}})', organization: 'Organization: {{name}}',
    changePassword: 'Change password', current: 'Current password', newPassword: 'New password', repeat: 'Repeat the new password',
    mismatch: 'The two new passwords differ.', tooShort: 'Use at least 10 characters.', changed: 'Your password is changed. Other browsers are signed out.',
  },
  state: {
    active: 'Active', paused: 'Paused', needs_attention: 'Needs attention', removed: 'Removed', notSetUp: 'Not set up',
    unavailable: 'Not available here', ready: 'Connected', needs_reconnect: 'Needs reconnecting', disconnected: 'Disconnected',
  },
  integrations: {
    title: 'Apps & integrations', backupSection: 'Back up documents to',
    intro: 'Every document of {{company}} is copied, one way, to the storage you choose. Add as many destinations as you like.',
    activate: 'Activate', configure: 'Configure', addAnother: 'Add another', destinations_one: '{{count}} destination', destinations_other: '{{count}} destinations',
    notOffered: 'The operator has not set this up in this installation.',
    kinds: {
      onedrive: { title: 'OneDrive', description: 'Personal or business OneDrive and SharePoint, signed in with Microsoft.' },
      gdrive: { title: 'Google Drive', description: 'A folder in Google Drive, signed in with Google.' },
      dropbox: { title: 'Dropbox', description: 'Under Apps/Dossier in Dropbox, signed in with Dropbox.' },
      sftp: { title: 'SFTP server', description: 'Your own server or NAS over SSH, with a password or a key.' },
      webdav: { title: 'WebDAV', description: 'Nextcloud, ownCloud, Synology, kDrive and other WebDAV servers.' },
      local: { title: 'Dossier Drive', description: 'A folder on the Dossier server itself, or a share mounted there.' },
    },
  },
  wizard: {
    title: 'New {{kind}} backup', steps: { name: 'Name and folders', connect: 'Connect', folder: 'Folder', schedule: 'Schedule', confirm: 'Confirm' },
    name: 'Name', nameHint: 'So you recognise it later, such as "Company X OneDrive".',
    layout: 'Folder structure', custom: 'My own structure', template: 'Template', templateHint: 'Use {{tokens}}.',
    preview: 'Where a document would land', previewOf: 'For your document {{what}}:', previewSample: 'For an example invoice:',
    presets: { 'company-year-type': 'Company / year / type', 'company-year-month': 'Company / year / month', 'company-type-year': 'Company / type / year' },
    signInWith: 'Sign in with {{provider}}', signInHint: 'You go to the sign-in page of {{provider}}, allow Dossier, and come back here.',
    useExisting: 'Or use an account that is already connected', connectedAs: 'Connected: {{account}}', connectedOk: 'The account is connected.',
    signInFailed: 'The sign-in did not connect the account',
    testConnection: 'Test connection', testing: 'Testing…', testOk: 'The connection works.', free: '{{size}} free.',
    testFailed: 'The connection does not work: {{message}}',
    hostKey: 'The server presented this host key', hostKeyHint: 'Compare it with the server\'s own (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub). Dossier will refuse any other key from now on.',
    hostKeyConfirm: 'This is my server\'s key', fields: {
      host: 'Server', port: 'Port', username: 'User name', password: 'Password', privateKey: 'Private key', passphrase: 'Key passphrase',
      authMethod: 'Log in with', usePassword: 'Password', useKey: 'Private key', root: 'Folder on the server', url: 'WebDAV address', localRoot: 'Folder (absolute path)',
    },
    folderPath: 'Folder path', folder: 'Choose the folder', top: 'Top', newFolder: 'New folder', create: 'Create', selectCurrent: 'Select current folder',
    selected: 'Selected: {{path}}', emptyFolder: 'No folders here.', selectFirst: 'Select a folder first.',
    startDate: 'Start date', startDateHint: 'Only documents dated on or after this day are copied. Leave empty for all.',
    schedule: 'When', continuous: 'Continuously, within seconds', daily: 'Once a day', dailyAt: 'At (the company\'s time zone)',
    restoreDeleted: 'Upload again a file someone deleted there', respectFolderDeletions: 'When a whole folder is deleted there, stop sending its documents',
    summary: 'Check and start', start: 'Start the backup', starting: 'Starting…', willCopy: 'All existing documents are copied now; new ones follow.',
  },
  destination: {
    list: 'Backups', add: 'Add a backup', empty: 'No backups yet for this company.', documents: 'Documents',
    synced: 'Backed up', pending: 'Waiting', failed: 'Failed', space: 'Space: {{free}} free of {{total}}',
    pause: 'Pause', resume: 'Resume', syncNow: 'Sync now', syncQueued: 'A pass is queued.', reconnect: 'Reconnect',
    remove: 'Remove backup', removeConfirm: 'Stop backing up to "{{name}}"? Files already copied stay there; the history stays here.',
    progress: 'Copying: {{done}} of {{planned}} ({{bytes}})', idle: 'Nothing is being copied right now.',
    history: 'History', noRuns: 'No passes yet.', started: 'Started', trigger: 'Why', status: 'Result', files: 'Files', size: 'Size',
    items: 'Files of this pass', noItems: 'This pass changed no file.', action: 'Action', outcome: 'Outcome', path: 'Path',
    layout: 'Folder structure', schedule: 'Schedule', startDate: 'Start date', kind: 'Storage',
    outcomes: { ok: 'Copied', failed: 'Failed' },
    runStatus: { running: 'Running', done: 'Done', done_with_errors: 'Done with errors', failed: 'Failed', blocked: 'Stopped', stopped: 'Paused', cancelled: 'Cancelled', interrupted: 'Interrupted' },
    triggers: { initial: 'First copy', continuous: 'New documents', manual: 'By hand', daily: 'Daily', resume: 'Resumed', settings: 'Settings changed', reconnected: 'Reconnected', startup: 'After a restart', verify: 'Check' },
  },
  documents: {
    title: 'Documents', drop: 'Drag documents here, or click to choose files', dropHint: 'PDF, XML or images, up to the server\'s limit.',
    empty: 'No documents yet.', date: 'Date', type: 'Type', number: 'Number', counterparty: 'Counterparty', amount: 'Amount',
    currency: 'Currency', account: 'Business account', versions: 'Versions', file: 'File', upload: 'Upload', uploading: 'Uploading…',
    uploaded: '{{name}} is stored.', newVersion: 'Upload a new version', version: 'Version', uploadedAt: 'Added', size: 'Size',
    atDestinations: 'At the backups', notAtDestinations: 'Not backed up anywhere yet.', destination: 'Backup', remotePath: 'Where', syncedAt: 'Since',
    deliveryState: { pending: 'Waiting', synced: 'Backed up', failed: 'Failed' },
    types: {
      invoice: 'Invoice', credit_note: 'Credit note', quote: 'Quote', purchase_invoice: 'Purchase invoice', purchase_credit_note: 'Purchase credit note',
      order: 'Order', delivery_note: 'Delivery note', receipt: 'Receipt', other: 'Other',
    },
  },
  notFound: { title: 'This page does not exist', home: 'Go to the documents' },
} as const;

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
/** What every language provides: the same keys as English, any text. */
export type Messages = Widen<typeof en>;
