import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/**
 * The text the reader extracted of a collected document, searchable by word from the Documents
 * page. Each database indexes it its own way, so a search reads an index, not every text:
 * PostgreSQL keeps a tsvector ('simple': no stemming, the documents are in four languages) with
 * a GIN index; SQLite an FTS5 index over the table (unicode61 folds case as lower() does, and
 * keeps accents as 'simple' does), kept in step by triggers. The explicit integer key is what
 * the FTS5 index points at: SQLite's VACUUM may renumber an implicit rowid.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await sql`create table document_texts (
      document_id text primary key references documents(id),
      org_id text not null,
      text text not null,
      words tsvector generated always as (to_tsvector('simple', text)) stored
    )`.execute(db);
    await sql`create index document_texts_words on document_texts using gin (words)`.execute(db);
    return;
  }
  await sql`create table document_texts (
    id integer primary key,
    document_id text not null unique references documents(id),
    org_id text not null,
    text text not null
  )`.execute(db);
  await sql`create virtual table document_texts_index using fts5(text, content = 'document_texts', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 0')`.execute(db);
  await sql`create trigger document_texts_added after insert on document_texts begin
    insert into document_texts_index (rowid, text) values (new.id, new.text); end`.execute(db);
  await sql`create trigger document_texts_removed after delete on document_texts begin
    insert into document_texts_index (document_texts_index, rowid, text) values ('delete', old.id, old.text); end`.execute(db);
}
