import { type Kysely, sql } from 'kysely';

/**
 * Follows, wishes and likes, each indexed both ways, and each user's follow counts. Users are
 * found by display-name prefix (case-insensitive) or by exact email (already unique).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('follows')
    .addColumn('follower_id', 'uuid', (c) => c.notNull())
    .addColumn('followee_id', 'uuid', (c) => c.notNull())
    .addColumn('since', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('follows_pk', ['follower_id', 'followee_id'])
    .execute();
  // The PK answers "does X follow Y" (friends are PK probes both ways); these page the lists
  // newest first: whom X follows, who follows Y (100,000 followers stay an index range scan).
  await db.schema
    .createIndex('follows_follower_since_idx')
    .on('follows')
    .columns(['follower_id', 'since', 'followee_id'])
    .execute();
  await db.schema
    .createIndex('follows_followee_since_idx')
    .on('follows')
    .columns(['followee_id', 'since', 'follower_id'])
    .execute();

  await db.schema
    .createTable('follow_counts')
    .addColumn('user_id', 'uuid', (c) => c.primaryKey())
    .addColumn('followers', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('following', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  for (const table of ['wishes', 'likes'] as const) {
    await db.schema
      .createTable(table)
      .addColumn('user_id', 'uuid', (c) => c.notNull())
      .addColumn('film_id', 'uuid', (c) => c.notNull())
      .addColumn('added_at', 'timestamptz', (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, ['user_id', 'film_id'])
      .execute();
    await db.schema
      .createIndex(`${table}_film_idx`)
      .on(table)
      .columns(['film_id', 'user_id'])
      .execute();
    await db.schema
      .createIndex(`${table}_user_added_idx`)
      .on(table)
      .columns(['user_id', 'added_at desc', 'film_id desc'])
      .execute();
  }

  await db.schema
    .createIndex('users_display_name_prefix_idx')
    .on('users')
    .expression(sql`lower(display_name) text_pattern_ops, id`)
    .execute();
}
