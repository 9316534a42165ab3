import type { Kysely } from 'kysely';

/** The notifications inbox: one row per user and event, numbered by a global cursor. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('notifications')
    .addColumn('cursor', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('id', 'uuid', (c) => c.notNull().unique())
    .addColumn('user_id', 'uuid', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('source_event_id', 'uuid', (c) => c.notNull())
    // A replay of the same event writes nothing new.
    .addUniqueConstraint('notifications_source_unique', ['source_event_id', 'user_id', 'type'])
    .execute();
  await db.schema
    .createIndex('notifications_user_cursor_idx')
    .on('notifications')
    .columns(['user_id', 'cursor'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('notifications').execute();
}
