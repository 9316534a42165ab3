import type { Kysely } from 'kysely';
import type { Database } from '../database.js';

/**
 * `friend_wants`: for every wish, how many of the wisher's friends want the same film, kept by
 * the social projection. GET /api/me/matches then reads its page of films, most friends first,
 * from one index range instead of counting every friend's wishes on each request. Filled from
 * the friends and wishes already there.
 */
export async function up(untyped: Kysely<unknown>): Promise<void> {
  const db = untyped as unknown as Kysely<Database>;
  await db.schema
    .createTable('friend_wants')
    .addColumn('user_id', 'uuid', (c) => c.notNull())
    .addColumn('film_id', 'uuid', (c) => c.notNull())
    .addColumn('friends', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('friend_wants_pk', ['user_id', 'film_id'])
    .execute();
  // Matches page by (friends, film_id) descending; only films some friend wants are matches.
  await db.schema
    .createIndex('friend_wants_user_friends_idx')
    .on('friend_wants')
    .columns(['user_id', 'friends desc', 'film_id desc'])
    .where('friends', '>', 0)
    .execute();
  await fillFriendWants(db);
}

/**
 * Counts, for every wish, the wisher's friends who wish the same film. The query builder, not
 * SQL text: a rebuild's scratch schema runs this through withSchema. The bench seeds with it.
 */
export async function fillFriendWants(db: Kysely<Database>): Promise<void> {
  await db
    .insertInto('friend_wants')
    .columns(['user_id', 'film_id', 'friends'])
    .expression(
      db
        .selectFrom('wishes as w')
        .leftJoin('friends as f', 'f.user_id', 'w.user_id')
        .leftJoin('wishes as theirs', (join) =>
          join
            .onRef('theirs.user_id', '=', 'f.friend_id')
            .onRef('theirs.film_id', '=', 'w.film_id'),
        )
        .select((eb) => [
          'w.user_id',
          'w.film_id',
          eb.cast<number>(eb.fn.count('theirs.user_id'), 'integer').as('friends'),
        ])
        .groupBy(['w.user_id', 'w.film_id']),
    )
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('friend_wants').execute();
}
