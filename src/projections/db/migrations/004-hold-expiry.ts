import { type Kysely, sql } from 'kysely';

/** The hold-expiry scheduler's lookup: pending bookings by the time their hold ends. */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Partial: only unpaid holds are ever due, and they are a small share of all bookings.
  await db.schema
    .createIndex('bookings_pending_expiry_idx')
    .on('bookings')
    .columns(['expires_at', 'id'])
    .where(sql<boolean>`status = 'PENDING'`)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('bookings_pending_expiry_idx').execute();
}
