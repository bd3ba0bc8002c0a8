/**
 * The main menu, in order. A new area (collection channels, the inbox) is one more entry here,
 * one route in App.tsx and one block of messages in i18n/locales.
 */
export interface NavEntry {
  path: string;
  label: 'nav.documents' | 'nav.destinations' | 'nav.integrations'
    | 'inbox.nav' | 'users.nav' | 'collect.nav';
}

export const NAVIGATION: readonly NavEntry[] = [
  { path: '/inbox', label: 'inbox.nav' },
  { path: '/documents', label: 'nav.documents' },
  { path: '/destinations', label: 'nav.destinations' },
  { path: '/integrations', label: 'nav.integrations' },
  { path: '/collection', label: 'collect.nav' },
  { path: '/users', label: 'users.nav' },
];
