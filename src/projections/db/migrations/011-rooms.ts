import { type Kysely, sql } from 'kysely';

/**
 * Watch-together rooms: the room (its timeline as JSON, the instant the playing film reaches
 * its end), members, invitations, chat messages — all projected from `room-…` and
 * `roomchat-…` streams. `room_presence` is not projected: API nodes write when someone was
 * last online in a room, so the closer finds rooms empty for 10 minutes across restarts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rooms')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('film_id', 'uuid', (c) => c.notNull())
    .addColumn('host_id', 'uuid', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('locked', 'boolean', (c) => c.notNull())
    .addColumn('duration_seconds', sql`double precision`, (c) => c.notNull())
    .addColumn('playback', 'jsonb', (c) => c.notNull())
    .addColumn('ends_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('closed_at', 'timestamptz')
    .execute();
  // The closer's two questions: which open rooms' films have ended, which open rooms exist.
  await db.schema
    .createIndex('rooms_open_ends_idx')
    .on('rooms')
    .columns(['ends_at'])
    .where(sql.ref('status'), '=', sql.lit('open'))
    .execute();
  await db.schema
    .createIndex('rooms_host_idx')
    .on('rooms')
    .columns(['host_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('room_members')
    .addColumn('room_id', 'uuid', (c) => c.notNull())
    .addColumn('user_id', 'uuid', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('joined_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('room_members_pk', ['room_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('room_members_user_idx')
    .on('room_members')
    .columns(['user_id', 'room_id'])
    .execute();

  await db.schema
    .createTable('room_invites')
    .addColumn('room_id', 'uuid', (c) => c.notNull())
    .addColumn('user_id', 'uuid', (c) => c.notNull())
    .addColumn('invited_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('room_invites_pk', ['room_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('room_invites_user_idx')
    .on('room_invites')
    .columns(['user_id', 'room_id'])
    .execute();

  await db.schema
    .createTable('room_messages')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('room_id', 'uuid', (c) => c.notNull())
    .addColumn('user_id', 'uuid', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('media_position', sql`double precision`, (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('room_messages_room_sent_idx')
    .on('room_messages')
    .columns(['room_id', 'sent_at desc', 'id desc'])
    .execute();

  await db.schema
    .createTable('room_presence')
    .addColumn('room_id', 'uuid', (c) => c.primaryKey())
    .addColumn('last_online_at', 'timestamptz', (c) => c.notNull())
    .execute();
}
