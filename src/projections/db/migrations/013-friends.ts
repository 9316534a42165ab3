import type { Kysely } from 'kysely';
import type { Database } from '../database.js';

/**
 * Friends (mutual follows) kept by the social projection as rows of their own, both ways: "my
 * friends" is then one index range instead of a PK probe of the reverse edge per follow, which
 * the friends-who-want and matches queries start from. Filled from the follows already there.
 */
export async function up(untyped: Kysely<unknown>): Promise<void> {
  const db = untyped as unknown as Kysely<Database>;
  await db.schema
    .createTable('friends')
    .addColumn('user_id', 'uuid', (c) => c.notNull())
    .addColumn('friend_id', 'uuid', (c) => c.notNull())
    // When the second of the two follows came: friends since then.
    .addColumn('since', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('friends_pk', ['user_id', 'friend_id'])
    .execute();
  // GET /api/me/friends pages newest first.
  await db.schema
    .createIndex('friends_user_since_idx')
    .on('friends')
    .columns(['user_id', 'since desc', 'friend_id desc'])
    .execute();
  // The query builder, not SQL text: a rebuild's scratch schema runs this through withSchema.
  await db
    .insertInto('friends')
    .columns(['user_id', 'friend_id', 'since'])
    .expression(
      db
        .selectFrom('follows as a')
        .innerJoin('follows as b', (join) =>
          join
            .onRef('b.follower_id', '=', 'a.followee_id')
            .onRef('b.followee_id', '=', 'a.follower_id'),
        )
        .select((eb) => [
          'a.follower_id',
          'a.followee_id',
          eb.fn<Date>('greatest', ['a.since', 'b.since']).as('since'),
        ]),
    )
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('friends').execute();
}
