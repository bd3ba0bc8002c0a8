/**
 * What a user may do. An administrator may do everything; a member holds the rights it was
 * given. API keys act with the rights of the user they belong to.
 */
export const RIGHTS = ['configure_collection', 'review_inbox', 'manage_destinations', 'manage_users'] as const;
export type Right = (typeof RIGHTS)[number];

export const ROLES = ['admin', 'member'] as const;
export type Role = (typeof ROLES)[number];

/** What each right allows, for error messages and the reference. */
export const RIGHT_TITLES: Record<Right, string> = {
  configure_collection: 'create, change and remove collection channels and binders, and run them',
  review_inbox: 'read and correct the inbox',
  manage_destinations: 'add, change and remove backup destinations and connections',
  manage_users: 'add users and change their rights',
};

export function effectiveRights(role: string, rights: readonly string[]): Right[] {
  if (role === 'admin') return [...RIGHTS];
  return RIGHTS.filter((r) => rights.includes(r));
}
