import type { Right } from './api/rights';

/**
 * The main menu, in order. A new area (collection channels, the inbox) is one more entry here,
 * one route in App.tsx and one block of messages in i18n/locales. An entry with a right is
 * shown only to who holds it: its page would only say "ask an administrator".
 */
export interface NavEntry {
  path: string;
  label: 'nav.documents' | 'nav.destinations' | 'nav.integrations'
    | 'inbox.nav' | 'users.nav' | 'collect.nav' | 'activity.nav' | 'settings.nav' | 'home.nav' | 'sandbox.nav';
  right?: Right;
  /** Only while the installation offers the sandbox: its page has nothing to show otherwise. */
  sandbox?: true;
}

export const NAVIGATION: readonly NavEntry[] = [
  { path: '/home', label: 'home.nav' },
  { path: '/inbox', label: 'inbox.nav', right: 'review_inbox' },
  { path: '/documents', label: 'nav.documents' },
  { path: '/destinations', label: 'nav.destinations' },
  { path: '/integrations', label: 'nav.integrations' },
  { path: '/collection', label: 'collect.nav' },
  { path: '/users', label: 'users.nav', right: 'manage_users' },
  // The log is for administrators; they hold every right, and a member who manages users is told so.
  { path: '/activity', label: 'activity.nav', right: 'manage_users' },
  { path: '/settings', label: 'settings.nav' },
  { path: '/sandbox/', label: 'sandbox.nav', sandbox: true },
];

/** The entries the user may open; those that need a right wait until the rights are known (null). */
export const visibleNavigation = (rights: readonly Right[] | null, sandbox = false): NavEntry[] =>
  NAVIGATION.filter((entry) => (!entry.right || (rights?.includes(entry.right) ?? false)) && (!entry.sandbox || sandbox));
