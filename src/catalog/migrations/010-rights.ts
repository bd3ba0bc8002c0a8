import type { Kysely } from 'kysely';

/**
 * Rights for companies and documents, and users who can be deactivated.
 *
 * Adding and renaming companies and uploading or changing documents needed no right before;
 * now they need manage_companies and manage_documents. Members that existed before keep doing
 * what they did: they are given both (an administrator takes them away where they do not
 * belong). Nobody is deactivated. Reading collected documents through /v1/documents needs
 * review_inbox from now on: the index finds whether a document came from collection.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('deactivated_at', 'text').execute();
  const members = await db.selectFrom('users').select(['id', 'rights']).where('role', '=', 'member').execute();
  for (const m of members as Array<{ id: string; rights: string }>) {
    const rights = JSON.parse(m.rights) as string[];
    const next = [...new Set([...rights, 'manage_companies', 'manage_documents'])];
    await db.updateTable('users').set({ rights: JSON.stringify(next) }).where('id', '=', m.id).execute();
  }
  await db.schema.createIndex('inbox_items_document').on('inbox_items').column('document_id').execute();
  await db.schema.createIndex('api_keys_user').on('api_keys').columns(['org_id', 'user_id']).execute();
}
