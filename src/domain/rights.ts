/**
 * What a user may do. An administrator may do everything; a member holds the rights it was
 * given. API keys act with the rights of the user they belong to.
 */
export const RIGHTS = ['manage_companies', 'manage_documents', 'configure_collection', 'review_inbox', 'manage_destinations', 'manage_users'] as const;
export type Right = (typeof RIGHTS)[number];

export const ROLES = ['admin', 'member'] as const;
export type Role = (typeof ROLES)[number];

/** What each right allows, for error messages and the reference. */
export const RIGHT_TITLES: Record<Right, string> = {
  manage_companies: 'add companies and change their name, language and time zone',
  manage_documents: 'upload documents, change their metadata and add versions (an invoicing app\'s API key needs it)',
  configure_collection: 'create, change and remove collection channels and binders, and run them',
  review_inbox: 'read and correct the inbox, and read the documents collected into it',
  manage_destinations: 'add, change and remove backup destinations and connections',
  manage_users: 'add, change and deactivate members, giving only rights one holds oneself',
};

export function effectiveRights(role: string, rights: readonly string[]): Right[] {
  if (role === 'admin') return [...RIGHTS];
  return RIGHTS.filter((r) => rights.includes(r));
}
