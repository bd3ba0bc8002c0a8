import type { Kysely } from 'kysely';

/**
 * Inviting a user by e-mail: the link's token is stored only as its SHA-256, works once, and
 * expires. The user row exists from the invitation on (its rights can be set at once); it has
 * no password until the invited person chooses one on the invitation's page.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('user_invitations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addColumn('revoked_at', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('user_invitations_user').on('user_invitations').columns(['user_id', 'created_at']).execute();
}
