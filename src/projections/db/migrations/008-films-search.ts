import { type Kysely, sql } from 'kysely';
import { searchExtensions } from '../search-extensions.js';

/**
 * Films gain metadata, popularity counters and where they came from, and are searchable:
 * `search` (weighted tsvector: titles A, people B, description C) and `people` (cast and
 * directors) are written with the row by the film writer; `film_words` is the lexicon of
 * `search` that typos are corrected against with trigram similarity.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const ext = await searchExtensions(db);
  await db.schema
    .alterTable('films')
    .addColumn('original_title', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('rating', sql`numeric(3,1)`)
    .addColumn('cast_names', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('directors', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('poster_url', 'text')
    .addColumn('media_qualities', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{360p,720p}'`))
    .addColumn('want_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('like_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('source', 'text', (c) => c.notNull().defaultTo('catalogue'))
    .addColumn('source_id', 'text')
    .addColumn('added_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('search', sql`tsvector`, (c) => c.notNull().defaultTo(sql`''::tsvector`))
    .addColumn('people', sql`tsvector`, (c) => c.notNull().defaultTo(sql`''::tsvector`))
    .execute();

  const gin = async (name: string, column: string) =>
    db.schema.createIndex(name).on('films').using('gin').column(column).execute();
  await gin('films_search_idx', 'search');
  await gin('films_people_idx', 'people');
  await gin('films_genres_idx', 'genres');
  // One index per sort, each ending in the id the cursor pages by.
  await db.schema.createIndex('films_title_id_idx').on('films').columns(['title', 'id']).execute();
  await db.schema
    .createIndex('films_year_id_idx')
    .on('films')
    .columns(['year desc', 'id desc'])
    .execute();
  await db.schema
    .createIndex('films_rating_id_idx')
    .on('films')
    .expression(sql`coalesce(rating, -1) desc, id desc`)
    .execute();
  await db.schema
    .createIndex('films_popular_id_idx')
    .on('films')
    .expression(sql`(want_count + like_count) desc, id desc`)
    .execute();
  await db.schema
    .createIndex('films_source_idx')
    .on('films')
    .columns(['source', 'source_id'])
    .unique()
    .execute();

  await db.schema
    .createTable('film_words')
    .addColumn('word', 'text', (c) => c.primaryKey())
    .execute();
  await db.schema
    .createIndex('film_words_trgm_idx')
    .on('film_words')
    .using('gin')
    .expression(sql`word ${sql.raw(ext.trgm)}.gin_trgm_ops`)
    .execute();
}
