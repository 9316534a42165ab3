import { type Kysely, sql } from 'kysely';

/** Read models: films, users, places, screenings, bookings, seat claims, checkpoints. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('films')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('genres', sql`text[]`, (c) => c.notNull())
    .addColumn('duration_minutes', 'integer', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('films_title_idx')
    .on('films')
    .expression(sql`lower(title)`)
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('places')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('host_id', 'uuid', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('address', 'text')
    .addColumn('description', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('deleted_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('places_host_idx')
    .on('places')
    .columns(['host_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('screenings')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('place_id', 'uuid', (c) => c.notNull())
    .addColumn('host_id', 'uuid', (c) => c.notNull())
    .addColumn('film_id', 'uuid', (c) => c.notNull())
    .addColumn('film_title', 'text', (c) => c.notNull())
    .addColumn('place_name', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ends_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('seating', 'text', (c) => c.notNull())
    .addColumn('capacity', 'integer', (c) => c.notNull())
    .addColumn('seat_rows', 'integer')
    .addColumn('seats_per_row', 'integer')
    .addColumn('seats_available', 'integer', (c) => c.notNull())
    .addColumn('price_amount', 'integer', (c) => c.notNull())
    .addColumn('price_currency', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  // Searches filter by one of these and page by (starts_at, id).
  for (const column of ['film_id', 'host_id', 'place_id', 'status'] as const) {
    await db.schema
      .createIndex(`screenings_${column}_idx`)
      .on('screenings')
      .columns([column, 'starts_at', 'id'])
      .execute();
  }
  await db.schema
    .createIndex('screenings_starts_idx')
    .on('screenings')
    .columns(['starts_at', 'id'])
    .execute();

  await db.schema
    .createTable('bookings')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('screening_id', 'uuid', (c) => c.notNull())
    .addColumn('user_id', 'uuid', (c) => c.notNull())
    .addColumn('host_id', 'uuid', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('seats', 'jsonb', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('amount', 'integer', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('payment', 'jsonb')
    .execute();
  await db.schema
    .createIndex('bookings_user_idx')
    .on('bookings')
    .columns(['user_id', 'created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('bookings_screening_idx')
    .on('bookings')
    .columns(['screening_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('seat_claims')
    .addColumn('screening_id', 'uuid', (c) => c.notNull())
    .addColumn('seat_row', 'integer', (c) => c.notNull())
    .addColumn('seat_number', 'integer', (c) => c.notNull())
    .addColumn('booking_id', 'uuid', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('seat_claims_pk', ['screening_id', 'seat_row', 'seat_number'])
    .execute();
  await db.schema
    .createIndex('seat_claims_booking_idx')
    .on('seat_claims')
    .column('booking_id')
    .execute();

  await db.schema
    .createTable('projection_checkpoints')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('position', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('user_scope', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('response_status', 'integer')
    .addColumn('response_headers', 'jsonb')
    .addColumn('response_body', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['user_scope', 'key'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'idempotency_keys',
    'projection_checkpoints',
    'seat_claims',
    'bookings',
    'screenings',
    'places',
    'users',
    'films',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
